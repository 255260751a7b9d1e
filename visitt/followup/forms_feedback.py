"""The message to the conversation group. The rules (once per outcome, the reason for
"not possible now", the personal-data guard) are in services_feedback.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.core.forms import GuardedForm

from .plans import Action


class FeedbackForm(GuardedForm):
    message = forms.CharField(
        label=_("Message to the conversation group"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Short and about the system. For an action that is not possible now, say why."),
    )
    # The outcome the writer saw: if the action changed meanwhile, nothing is sent.
    about_status = forms.ChoiceField(choices=Action.Status.choices, widget=forms.HiddenInput)
