"""Visitt's form rendering, and the base of the forms whose texts pass the
personal-data guard."""

from __future__ import annotations

from typing import Any, Protocol

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class VisittFormRenderer(TemplatesSetting):
    """Renders every form and field with Designsystemet markup (templates/components/)."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"


OVERRIDE_HELP = _(
    "Only if the text really is about the system: say why it may be saved as it is. "
    "The reason is recorded in the audit trail."
)


class Refusal(Protocol):
    """A service's refused change: a ProblemError (MinutesError, PlanError, ...)."""

    messages: list[str]
    status: int
    needs_reason: bool


class GuardedForm(forms.Form):
    """A form whose texts pass the personal-data guard. The field for a reason to save
    despite a warning is there only once the guard has warned (or it was posted)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and self.add_prefix("override_reason") in self.data:
            self.ask_reason()

    def ask_reason(self) -> None:
        if "override_reason" not in self.fields:
            self.fields["override_reason"] = forms.CharField(
                label=_("Reason to save despite the warning"),
                required=False,
                max_length=500,
                help_text=OVERRIDE_HELP,
            )

    def override_reason(self) -> str:
        if not self.is_bound:
            return ""
        return str(self.data.get(self.add_prefix("override_reason"), ""))[:500]

    def refuse(self, error: Refusal) -> int:
        """Shows a change the service refused: its messages on the form, and the field
        for a reason where one would let it through. Returns the HTTP status to answer."""
        if error.needs_reason:
            self.ask_reason()
        for message in error.messages:
            self.add_error(None, message)
        return error.status
