from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("What"), required=False)
    actor = forms.CharField(label=_("Who (e-mail)"), required=False, max_length=254)
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All")), *AuditEvent.Action.choices]  # type: ignore[attr-defined]
