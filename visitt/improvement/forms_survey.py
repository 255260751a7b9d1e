"""Forms for the staff pulse survey: making and editing one (for the leaders) and the
anonymous answer. The rules are in services_survey.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from visitt.organisations.models import Unit
from visitt.planning.visits import Visit

from .services_survey import CREDIT, MAX_STATEMENTS, SCORES, SurveyData, split_statements
from .survey import PulseStatement, PulseSurvey

DATE_WIDGET = {"type": "date"}

STATEMENTS_HELP = _(
    "One statement per line, at most %(max)d. Staff answer each from 1 (strongly "
    "disagree) to 5 (strongly agree). Anyone with the link reads them: no names or "
    "other personal data. The statements can be changed until the first answer."
)


class SurveyForm(forms.Form):
    """The survey's title, dates and statements; on a new survey also the unit and
    (optionally) the visit it measures around."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    visit = forms.ModelChoiceField(
        label=_("Visit (optional)"),
        queryset=Visit.objects.none(),
        required=False,
        help_text=_("The walkround the survey measures around: before it, or some time after."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “Before the walkround, spring” or “Three months after”."),
    )
    opens_on = forms.DateField(
        label=pgettext_lazy("survey", "Opens"),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    closes_on = forms.DateField(
        label=pgettext_lazy("survey", "Closes"),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        help_text=_("The last day answers are accepted."),
    )
    statements = forms.CharField(
        label=_("Statements"),
        max_length=(MAX_STATEMENTS + 2) * 310,
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit] | None = None,
        visits: QuerySet[Visit] | None = None,
        statements_locked: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            # Editing: the unit and the visit stay as they were made.
            del self.fields["unit"]
            del self.fields["visit"]
        else:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
            self.fields["visit"].queryset = visits if visits is not None else Visit.objects.none()  # type: ignore[attr-defined]
            self.fields["visit"].label_from_instance = _visit_label  # type: ignore[attr-defined]
        statements = self.fields["statements"]
        statements.help_text = f"{STATEMENTS_HELP % {'max': MAX_STATEMENTS}} {CREDIT}"
        if statements_locked:
            statements.disabled = True
            statements.required = False
            statements.help_text = _(
                "Someone has already answered, so the statements can no longer change."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, visit = data.get("unit"), data.get("visit")
        if unit is not None and visit is not None and visit.unit_id != unit.pk:
            self.add_error("visit", _("The visit must be to the unit the survey is for."))
        return data

    def data_for_service(self) -> SurveyData:
        data = self.cleaned_data
        locked = self.fields["statements"].disabled
        return SurveyData(
            title=data["title"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            statements=None if locked else split_statements(data["statements"]),
        )

    @classmethod
    def initial_for(cls, survey: PulseSurvey, statements: list[PulseStatement]) -> dict[str, Any]:
        return {
            "title": survey.title,
            "opens_on": survey.opens_on,
            "closes_on": survey.closes_on,
            "statements": "\n".join(s.text for s in statements),
            "version": survey.version,
        }


def _visit_label(visit: Visit) -> str:
    return f"{visit.unit.name}, {visit.date:%d.%m.%Y}"


# --- The anonymous answer -------------------------------------------------------------------

SCORE_LABELS = {
    1: _("Strongly disagree"),
    2: _("Disagree"),
    3: _("Neither agree nor disagree"),
    4: _("Agree"),
    5: _("Strongly agree"),
}


def score_choices() -> list[tuple[int, Any]]:
    """'1 \u2013 Helt uenig' and so on: the number and the dash are not translated."""
    return [(score, f"{score} \u2013 {SCORE_LABELS[score]}") for score in SCORES]


def read_scores(post: Any, statements: list[PulseStatement]) -> tuple[dict[int, int], bool]:
    """The posted scores by statement id, and whether anything posted was not a number.

    Unanswered statements are simply missing: services_survey.answer() says which."""
    scores: dict[int, int] = {}
    malformed = False
    for statement in statements:
        raw = post.get(f"s{statement.pk}")
        if raw in (None, ""):
            continue
        try:
            scores[statement.pk] = int(raw)
        except (TypeError, ValueError):
            malformed = True
    return scores, malformed
