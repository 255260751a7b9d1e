"""Forms for the minutes. The rules (versions, the guard, signing) are in
services_minutes.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.core.forms import GuardedForm


class MinutesBodyForm(GuardedForm):
    body = forms.CharField(
        label=_("The minutes"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "“## ” at the start of a line makes a heading, “- ” a list item, an empty line "
            "a new paragraph. Write about the system, never about a patient or a person."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SignForm(forms.Form):
    """Signing asks again for the password, or for the authenticator app's code when
    the person uses one."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, totp: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.totp = totp
        if totp:
            self.fields["code"] = forms.CharField(
                label=_("Code from your authenticator app"),
                max_length=10,
                widget=forms.TextInput(
                    attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
                ),
            )
        else:
            self.fields["password"] = forms.CharField(
                label=_("Your password"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                help_text=_("You sign by entering your password again."),
            )


class NewVersionForm(GuardedForm):
    reason = forms.CharField(
        label=_("Reason for the new version"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The signed version stays as it is. The new one needs both signatures again."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
