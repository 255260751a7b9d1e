"""The annual summary's forms: the learning points, a decision, and the review (with
the decisions taken at it). The rules are in services_annual.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.core.forms import GuardedForm

from .services_annual import MAX_DECISIONS_AT_REVIEW, DecisionData

DATE_WIDGET = {"type": "date"}


class LearningPointsForm(GuardedForm):
    learning_points = forms.CharField(
        label=_("Learning points"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the leadership group should take from the year: about systems and "
            "routines, never about persons."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DecisionForm(GuardedForm):
    text = forms.CharField(
        label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.CharField(label=_("Responsible"), max_length=200, required=False)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )

    def data_for_service(self) -> DecisionData:
        data = self.cleaned_data
        return DecisionData(data["text"], data["responsible"], data["due_date"])


class ReviewForm(GuardedForm):
    """The date, where it was reviewed, and up to five decisions taken there."""

    reviewed_on = forms.DateField(
        label=_("Reviewed on"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    reviewed_in = forms.CharField(
        label=_("Reviewed in"),
        max_length=300,
        help_text=_("For example: Ledergruppa, and the committee for health and care."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, decisions: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(min(decisions, MAX_DECISIONS_AT_REVIEW)):
            number = i + 1
            self.fields[f"decision_{i}_text"] = forms.CharField(
                label=_("Decision %(number)s") % {"number": number},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"decision_{i}_responsible"] = forms.CharField(
                label=_("Responsible for decision %(number)s") % {"number": number},
                max_length=200,
                required=False,
            )
            self.fields[f"decision_{i}_due"] = forms.DateField(
                label=_("Due date for decision %(number)s") % {"number": number},
                required=False,
                widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            )

    def decisions(self) -> list[DecisionData]:
        data = self.cleaned_data
        found = []
        for i in range(MAX_DECISIONS_AT_REVIEW):
            text = data.get(f"decision_{i}_text") or ""
            if text.strip():
                found.append(
                    DecisionData(
                        text,
                        data.get(f"decision_{i}_responsible") or "",
                        data.get(f"decision_{i}_due"),
                    )
                )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(MAX_DECISIONS_AT_REVIEW):
            has_text = bool((data.get(f"decision_{i}_text") or "").strip())
            extra = data.get(f"decision_{i}_responsible") or data.get(f"decision_{i}_due")
            if extra and not has_text:
                self.add_error(f"decision_{i}_text", _("Write the decision."))
        return data
