"""The meeting date for the leadership meeting's agenda item."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Meeting date"),
        help_text=_("The next item covers the time from this date."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date of the meeting."),
            "invalid": _("Enter a valid date."),
        },
    )
