"""Forms for the problems and the debrief. The rules (the limit of three, the version
check, the personal-data guard) are in services_problems.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.core.forms import GuardedForm

from .problems import Problem, ProblemCategory
from .questions import Theme
from .services_problems import ProblemData


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class ProblemForm(GuardedForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A short name for the problem, about the system, not a person."),
    )
    description = forms.CharField(
        label=_("The risk"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What can go wrong for patients or users, and what makes it possible."),
    )
    theme = forms.ChoiceField(
        label=_("Theme it came from"),
        required=False,
        choices=_blank(_("Not chosen")) + list(Theme.choices),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=ProblemCategory.objects.none(),
        empty_label=_("Not chosen"),
    )
    level = forms.ChoiceField(
        label=_("Responsibility level"),
        required=False,
        choices=_blank(_("Not decided yet")) + list(Problem.Level.choices),
        widget=forms.RadioSelect,
    )
    value = forms.ChoiceField(
        label=_("Value if solved"),
        required=False,
        choices=_blank(_("Not placed")) + list(Problem.Value.choices),
        widget=forms.RadioSelect,
    )
    effort = forms.ChoiceField(
        label=_("Effort to solve"),
        required=False,
        choices=_blank(_("Not placed")) + list(Problem.Effort.choices),
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]

    def data_for_service(self) -> ProblemData:
        data = self.cleaned_data
        return ProblemData(
            title=data["title"],
            description=data["description"],
            theme=data["theme"],
            category=data["category"],
            level=data["level"],
            value=data["value"],
            effort=data["effort"],
        )

    @classmethod
    def initial_for(cls, problem: Problem) -> dict[str, Any]:
        return {
            "title": problem.title,
            "description": problem.description,
            "theme": problem.theme,
            "category": problem.category_id,
            "level": problem.level,
            "value": problem.value,
            "effort": problem.effort,
            "version": problem.version,
        }


def level_field_name(problem: Problem) -> str:
    return f"level_{problem.pk}"


class DebriefForm(GuardedForm):
    went_well = forms.CharField(
        label=_("What went well?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    could_be_better = forms.CharField(
        label=_("What could be better?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, problems: list[Problem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems = problems
        for problem in problems:
            self.fields[level_field_name(problem)] = forms.ChoiceField(
                label=_("Responsibility level of problem %(number)d: %(title)s")
                % {"number": problem.number, "title": problem.title},
                choices=_blank(_("Choose")) + list(Problem.Level.choices),
                initial=problem.level,
            )
        # The text fields first, then one level per problem, then the reason.
        order = ["went_well", "could_be_better"]
        order += [level_field_name(problem) for problem in problems]
        self.order_fields([*order, "override_reason", "version"])

    def levels(self) -> dict[int, str]:
        return {
            problem.pk: self.cleaned_data[level_field_name(problem)] for problem in self.problems
        }
