"""Forms for the preparation material: incident counts and the staff's examples."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from visitt.core.personal_data import GuardResult, check_text
from visitt.organisations.models import Organisation, Unit

from .incidents import MAX_COUNT, category_problem, clean_category, month_problem, parse_month
from .preparation import STAFF_INPUT_MAX_CHARS, IncidentCount


class IncidentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    month = forms.CharField(
        label=_("Month"),
        max_length=10,
        help_text=_("Written as 2025-03."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    category = forms.CharField(
        label=_("Category"),
        max_length=100,
        help_text=_(
            "The category in the incident system, for example medication or falls. Never a description of what happened."
        ),
        widget=forms.TextInput(attrs={"list": "known-categories", "autocomplete": "off"}),
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=IncidentCount.Severity.choices,
        initial=IncidentCount.Severity.UNKNOWN,
    )
    count = forms.IntegerField(
        label=_("Number of reported events"),
        min_value=0,
        max_value=MAX_COUNT,
        help_text=_(
            "A number already recorded for the same unit, month, category and severity is replaced."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.for_organisation(organisation).active().order_by("name")
        )

    def clean_month(self) -> date:
        period = parse_month(self.cleaned_data["month"])
        if period is None:
            raise ValidationError(_("Write the month as 2025-03."))
        if problem := month_problem(period):
            raise ValidationError(problem)
        return period

    def clean_category(self) -> str:
        category = clean_category(self.cleaned_data["category"])
        if problem := category_problem(category):
            raise ValidationError(problem)
        return category


class IncidentImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: enhet (unit name or code), periode (month, 2025-03), kategori, alvorlighet (optional) and antall. Separated by semicolon or comma, UTF-8 or Windows encoding."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class IncidentFilterForm(forms.Form):
    enhet = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enhet"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.for_organisation(organisation).order_by("name")
        )


class StaffInputForm(forms.Form):
    """An anonymous example. The personal-data guard refuses a fødselsnummer and asks
    the sender to rephrase other personal data, or to send anyway."""

    text = forms.CharField(
        label=_("Your example"),
        max_length=STAFF_INPUT_MAX_CHARS,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What happened, or nearly happened, and what in the routines or the system made it possible? Do not write names, room numbers or anything else that can identify a patient, a user or a colleague."
        ),
    )
    # Only offered once the guard has warned (see clean()).
    send_anyway = forms.BooleanField(
        label=_("Send anyway: my text does not identify anyone"), required=False
    )

    guard: GuardResult = GuardResult()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._send_anyway = self.fields.pop("send_anyway")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        field = self._send_anyway
        data["send_anyway"] = field.clean(
            field.widget.value_from_datadict(self.data, self.files, self.add_prefix("send_anyway"))
        )
        text = data.get("text")
        if not text:
            return data
        self.guard = check_text(text)
        if self.guard.blocked:
            for message in self.guard.messages():
                self.add_error("text", message)
        elif self.guard.has_warnings:
            self.fields["send_anyway"] = field  # shown from now on
            if not data["send_anyway"]:
                for message in self.guard.messages():
                    self.add_error("text", message)
        return data

    @property
    def overridden(self) -> bool:
        """Sent despite a warning (only meaningful after is_valid())."""
        return self.guard.has_warnings and bool(self.cleaned_data.get("send_anyway"))
