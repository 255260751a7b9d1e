"""The follow-up visit's two questions per problem. The rules (the version check, the
personal-data guard) are in services_review.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.core.forms import GuardedForm
from visitt.walkround.problems import Problem

from .review import FollowUpReview


class ReviewForm(GuardedForm):
    implemented = forms.ChoiceField(
        label=_("Was it implemented?"),
        choices=FollowUpReview.Implemented.choices,
        widget=forms.RadioSelect,
    )
    improved = forms.ChoiceField(
        label=_("Did it lead to improvement?"),
        choices=FollowUpReview.Improved.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the unit has seen since the walkround. About the system, not a person."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @staticmethod
    def prefix_for(problem: Problem) -> str:
        return f"problem-{problem.pk}"

    @classmethod
    def initial_for(cls, review: FollowUpReview | None) -> dict[str, Any]:
        if review is None:
            return {"version": 0}
        return {
            "implemented": review.implemented,
            "improved": review.improved,
            "comment": review.comment,
            "version": review.version,
        }
