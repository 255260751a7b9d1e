"""Forms of the visit mode. The rules that span records are in services_mode.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Organisation
from visitt.planning.models import Profession

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SubstituteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    profession = forms.ModelChoiceField(label=_("Profession"), queryset=Profession.objects.none())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Profession.ensure_defaults(organisation)
        self.fields["profession"].queryset = Profession.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, is_active=True
        )


class ClosingForm(forms.Form):
    TOUR_CHOICES = [("", _("Not recorded")), ("yes", _("Yes")), ("no", _("No"))]

    summary = forms.CharField(
        label=_("The leader's summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sum up what the group said and the problems you agreed on."),
    )
    had_tour = forms.ChoiceField(
        label=_("Was there a tour of the unit?"),
        choices=TOUR_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    actual_start = forms.TimeField(label=_("Actual start"), required=False, widget=TIME_INPUT)
    actual_end = forms.TimeField(
        label=_("Actual end"),
        required=False,
        widget=TIME_INPUT,
        help_text=_("The method recommends at most one hour; a longer visit is flagged."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def tour(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("had_tour") or "")
