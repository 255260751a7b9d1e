"""Forms for the action plan (Vedlegg 3) and for an action's status. The rules (versions,
the personal-data guard, who may be responsible) are in services_plans.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.core.forms import GuardedForm

from .plans import Action, Aim, Measure
from .services_plans import ActionData, MeasureData, reason_required_message


class AimForm(GuardedForm):
    text = forms.CharField(
        label=_("What do we want to achieve?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. “prevent new pressure sores and the worsening of existing ones”."),
    )
    target = forms.CharField(
        label=_("Measurable target (optional)"),
        required=False,
        max_length=300,
        help_text=_("E.g. “reduce pressure sores by 30 % by March”."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @classmethod
    def initial_for(cls, aim: Aim | None) -> dict[str, Any]:
        if aim is None:
            return {"version": 0}
        return {"text": aim.text, "target": aim.target, "version": aim.version}


class MeasureForm(GuardedForm):
    name = forms.CharField(
        label=_("Measure"),
        max_length=200,
        help_text=_("What shows that the change is an improvement, e.g. “new pressure sores”."),
    )
    unit = forms.CharField(
        label=_("Unit of measurement"),
        required=False,
        max_length=60,
        help_text=_("E.g. number, %, days."),
    )
    how_counted = forms.CharField(
        label=_("How it is counted"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    better = forms.ChoiceField(
        label=_("Which direction is better"),
        choices=Measure.Direction.choices,
        initial=Measure.Direction.LOWER,
        widget=forms.RadioSelect,
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Measure.Frequency.choices,
        initial=Measure.Frequency.MONTHLY,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def data_for_service(self) -> MeasureData:
        data = self.cleaned_data
        return MeasureData(
            name=data["name"],
            unit=data["unit"],
            how_counted=data["how_counted"],
            better=data["better"],
            frequency=data["frequency"],
        )

    @classmethod
    def initial_for(cls, measure: Measure) -> dict[str, Any]:
        return {
            "name": measure.name,
            "unit": measure.unit,
            "how_counted": measure.how_counted,
            "better": measure.better,
            "frequency": measure.frequency,
            "version": measure.version,
        }


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ActionForm(GuardedForm):
    what = forms.CharField(
        label=_("Action"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A concrete step towards the aim, e.g. “buy pressure-relieving mattresses”."),
    )
    owner = OwnerChoiceField(
        label=_("Responsible"),
        required=False,
        queryset=Action.objects.none(),
        empty_label=_("Not chosen yet"),
        help_text=_("An active member of the organisation."),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners

    def data_for_service(self) -> ActionData:
        data = self.cleaned_data
        return ActionData(what=data["what"], owner=data["owner"], due_date=data["due_date"])

    @classmethod
    def initial_for(cls, action: Action) -> dict[str, Any]:
        return {
            "what": action.what,
            "owner": action.owner_id,
            "due_date": action.due_date,
            "version": action.version,
        }


class ActionStatusForm(GuardedForm):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    reason = forms.CharField(
        label=_("Why it is not possible now"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the action is not possible now: the participants are told why."),
    )
    progress_note = forms.CharField(
        label=_("Progress note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A short note on how it is going. About the routine, never a person."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Action.Status.NOT_POSSIBLE and not data.get("reason", "").strip():
            self.add_error("reason", reason_required_message())
        return data

    @classmethod
    def initial_for(cls, action: Action) -> dict[str, Any]:
        return {
            "status": action.status,
            "reason": action.reason,
            "progress_note": action.progress_note,
            "version": action.version,
        }
