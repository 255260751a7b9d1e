"""Forms of the annual plan: the plan and its goals, and scheduling many visits at once."""

from __future__ import annotations

from datetime import date, time
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from visitt.accounts.models import User
from visitt.organisations.models import Organisation, Role, Unit

from .forms_visits import PersonChoiceField
from .plan import AnnualPlan, PlanGoal
from .scheduling import (
    SUMMER_HOLIDAY_MONTH,
    Interval,
    Proposal,
    Team,
    clashes,
    interval,
    slot_problems,
)
from .services import LEADERSHIP_ROLES, members


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


# --- The plan and its goals -----------------------------------------------------------------


class PlanForm(forms.ModelForm):
    # Optimistic locking: the version the form was opened with (see AnnualPlan.save_checked).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AnnualPlan
        fields = ["owner", "notes"]
        field_classes = {"owner": PersonChoiceField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "owner": _("The top leader who owns the plan and follows its progress."),
            "notes": _("For example priorities for the year, or who is asked to take part."),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "owner").queryset = members(organisation, Role.TOP_LEADER)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_version(self) -> int | None:
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise ValidationError(_("The form is incomplete. Open the plan again."))
        return version


class GoalForm(forms.ModelForm):
    class Meta:
        model = PlanGoal
        fields = ["text", "measure", "target", "achieved"]
        widgets = {"achieved": forms.NullBooleanSelect}
        help_texts = {
            "target": _("A share in per cent, from 0 to 100."),
            "achieved": _("Only for goals assessed by the leadership group."),
        }

    def clean_target(self) -> Any:
        target = self.cleaned_data.get("target")
        if target is not None and not 0 <= target <= 100:
            raise ValidationError(_("Give a share from 0 to 100."))
        return target

    def clean(self) -> dict[str, Any]:
        super().clean()
        # "Achieved" is the leadership group's assessment; Visitt computes the others.
        if self.cleaned_data.get("measure") != PlanGoal.Measure.MANUAL:
            self.cleaned_data["achieved"] = None
        return self.cleaned_data


GoalFormSet = forms.inlineformset_factory(
    AnnualPlan,
    PlanGoal,
    form=GoalForm,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


# --- Scheduling many visits at once ---------------------------------------------------------


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.parent.name})" if unit.parent else unit.name


class TeamForm(forms.Form):
    """The leadership team every visit of one scheduling round gets."""

    visit_leader = PersonChoiceField(
        label=_("Visit leader"),
        queryset=User.objects.none(),
        help_text=_("The top leader leads the visit unless someone else is chosen."),
    )
    coordinator = PersonChoiceField(
        label=_("Coordinator"), queryset=User.objects.none(), required=False
    )
    secretary = PersonChoiceField(
        label=_("Secretary"), queryset=User.objects.none(), required=False
    )
    medical_advisor = PersonChoiceField(
        label=_("Medical advisor"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Optional, but recommended by the method."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # As on a single visit (forms_visits.VisitForm): a top leader leads it, and the
        # others come from the leadership group.
        _choice(self, "visit_leader").queryset = members(organisation, Role.TOP_LEADER)
        for name in ("coordinator", "secretary", "medical_advisor"):
            _choice(self, name).queryset = members(organisation, *LEADERSHIP_ROLES)

    def team(self) -> Team:
        data = self.cleaned_data
        return Team(
            visit_leader=data["visit_leader"],
            coordinator=data.get("coordinator"),
            secretary=data.get("secretary"),
            medical_advisor=data.get("medical_advisor"),
        )


MONTH_CHOICES = [(str(m), MONTHS[m]) for m in range(1, 13) if m != SUMMER_HOLIDAY_MONTH]


class ScheduleForm(TeamForm):
    """Step 1: which units, in which months, at what time, with whom."""

    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    months = forms.TypedMultipleChoiceField(
        label=_("Months"),
        choices=MONTH_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("July is left out: it is the school summer holiday."),
    )
    start_time = forms.TimeField(label=_("Start time"), initial=time(10, 0), widget=TimeInput)

    field_order = [
        "units",
        "months",
        "start_time",
        "visit_leader",
        "coordinator",
        "secretary",
        "medical_advisor",
    ]

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        existing: dict[int, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        existing = existing or {}

        def label(unit: Unit) -> str:
            visit = existing.get(unit.pk)
            if visit is None:
                return unit_label(unit)
            return _("%(unit)s: already has a visit on %(date)s") % {
                "unit": unit_label(unit),
                "date": formats.date_format(visit.date, "DATE_FORMAT"),
            }

        units = _choice(self, "units")
        units.queryset = (
            Unit.objects.for_organisation(organisation).active().select_related("parent")
        )
        units.label_from_instance = label  # type: ignore[method-assign, assignment]


class ProposalRowForm(forms.Form):
    """Step 2: one unit's date and time, as proposed and perhaps adjusted."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "unit").queryset = units


class BaseProposalRowFormSet(forms.BaseFormSet):
    """Checks every row with the same hard rules the proposal follows, against the team's
    other visits and against the other rows. Nothing is saved unless every row passes."""

    def __init__(
        self,
        *args: Any,
        units: Any,
        year: int,
        busy: list[Interval],
        not_before: date,
        **kwargs: Any,
    ) -> None:
        self.units, self.year, self.busy, self.not_before = units, year, busy, not_before
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "units": self.units}

    def clean(self) -> None:
        # Rows whose fields are valid; a row with a bad date has its own message already.
        rows = [
            form
            for form in self.forms
            if {"unit", "date", "start_time"} <= form.cleaned_data.keys()
        ]
        if not self.forms:
            raise ValidationError(_("There are no visits to save."))
        slots = [interval(f.cleaned_data["date"], f.cleaned_data["start_time"]) for f in rows]
        seen: set[int] = set()
        for form, slot in zip(rows, slots, strict=True):
            data = form.cleaned_data
            if data["unit"].pk in seen:
                form.add_error(None, _("This unit is already in the list."))
            seen.add(data["unit"].pk)
            for problem in slot_problems(
                data["date"],
                data["start_time"],
                year=self.year,
                busy=self.busy,
                not_before=self.not_before,
            ):
                form.add_error(None, problem)
            if clashes(slot, [other for other in slots if other is not slot]):
                form.add_error(None, _("Another visit in this list is at the same time."))

    def proposals(self) -> list[Proposal[Unit]]:
        return [
            Proposal(
                unit=f.cleaned_data["unit"],
                date=f.cleaned_data["date"],
                start_time=f.cleaned_data["start_time"],
            )
            for f in self.forms
            if f.cleaned_data
        ]


ProposalRowFormSet = cast(
    type[BaseProposalRowFormSet],
    forms.formset_factory(
        ProposalRowForm,
        formset=BaseProposalRowFormSet,
        extra=0,
        max_num=500,
        validate_max=True,
        absolute_max=500,
    ),
)
