"""Forms for data points, phases, the CSV import and PDSA cycles. The rules are in
services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.core.forms import GuardedForm

from .models import MeasurePoint, PdsaCycle
from .services import CycleData, PointData

DATE_WIDGET = {"type": "date"}


def _decimal(label: Any, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=4,
        help_text=help_text,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class PointForm(GuardedForm):
    period = forms.DateField(
        label=_("Period"),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        help_text=_(
            "Any date in the period: the first day of the week, month or quarter is stored."
        ),
    )
    value = _decimal(_("Value"), _("Leave empty when you give the numerator and denominator."))
    numerator = _decimal(_("Numerator (optional)"), _("E.g. admissions with a checked list."))
    denominator = _decimal(_("Denominator (optional)"), _("E.g. all admissions in the period."))
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        help_text=_("About the period or the counting, never a person."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def data_for_service(self) -> PointData:
        data = self.cleaned_data
        return PointData(
            period=data["period"],
            value=data["value"],
            numerator=data["numerator"],
            denominator=data["denominator"],
            comment=data["comment"],
        )

    @classmethod
    def initial_for(cls, point: MeasurePoint) -> dict[str, Any]:
        return {
            "period": point.period,
            "value": None if point.has_fraction else point.value.normalize(),
            "numerator": point.numerator.normalize() if point.numerator is not None else None,
            "denominator": point.denominator.normalize() if point.denominator is not None else None,
            "comment": point.comment,
            "version": point.version,
        }


class PhaseForm(GuardedForm):
    start = forms.DateField(
        label=_("First period of the phase"),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        help_text=_("Any date in the first period after the change."),
    )
    label = forms.CharField(
        label=_("Name of the phase"),
        max_length=200,
        help_text=_("E.g. “after the new mattresses”."),
    )
    baseline_points = forms.IntegerField(
        label=_("Freeze the baseline after this many points (optional)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_(
            "The median is taken from the phase's first points and stays put as new points come in. Empty: the median of all the phase's points."
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: periode (2026-03 or 01.03.2026), verdi, or teller and nevner, and kommentar (optional). Separated by semicolon or comma, UTF-8 or Windows encoding."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class CycleForm(GuardedForm):
    plan = forms.CharField(
        label=_("Plan"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What do we test, on how many, and what do we predict will happen?"),
    )
    start_date = forms.DateField(
        label=_("Start"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    do = forms.CharField(
        label=_("Do"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened when we tried it? Problems and surprises."),
    )
    study = forms.CharField(
        label=_("Study"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What did the data show, compared with the prediction?"),
    )
    act = forms.CharField(
        label=_("Act"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What do we do next?"),
    )
    end_date = forms.DateField(
        label=_("End (optional)"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", _("None yet: the cycle is running")), *PdsaCycle.Decision.choices],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def data_for_service(self) -> CycleData:
        data = self.cleaned_data
        return CycleData(
            plan=data["plan"],
            start_date=data["start_date"],
            do=data["do"],
            study=data["study"],
            act=data["act"],
            end_date=data["end_date"],
            decision=data["decision"],
        )

    @classmethod
    def initial_for(cls, cycle: PdsaCycle) -> dict[str, Any]:
        return {
            "plan": cycle.plan,
            "start_date": cycle.start_date,
            "do": cycle.do,
            "study": cycle.study,
            "act": cycle.act,
            "end_date": cycle.end_date,
            "decision": cycle.decision,
            "version": cycle.version,
        }
