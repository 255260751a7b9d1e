"""Forms for the letter templates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .letters import PLACEHOLDERS, LetterTemplate, unknown_placeholders


def known_fields() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


class LetterTemplateForm(forms.ModelForm):
    """Subject and body. The version the form was opened with (optimistic locking,
    LetterTemplate.save_text) travels in a hidden input of the page, read by the view."""

    class Meta:
        model = LetterTemplate
        fields = ["subject", "body"]
        # Without cols, Designsystemet gives the text area the full width.
        widgets = {"body": forms.Textarea(attrs={"rows": 28, "cols": False})}
        help_texts = {
            "body": gettext_lazy(
                'A blank line starts a new paragraph, a line starting with "## " is a heading '
                'and lines starting with "- " make a bulleted list. Fields in braces are filled '
                "in for each visit."
            )
        }

    def _check_fields(self, name: str) -> str:
        value = self.cleaned_data[name]
        unknown = unknown_placeholders(value)
        if unknown:
            raise forms.ValidationError(
                _("Visitt cannot fill in %(unknown)s. The fields are: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": known_fields()},
                code="unknown_field",
            )
        return value

    def clean_subject(self) -> str:
        return self._check_fields("subject")

    def clean_body(self) -> str:
        return self._check_fields("body")


# What each field becomes, for the edit page.
FIELD_HELP = [
    ("organisation", gettext_lazy("The organisation's name.")),
    ("unit", gettext_lazy("The unit that is visited.")),
    ("date", gettext_lazy('The date, written out, e.g. "mandag 23. november 2026".')),
    ("time", gettext_lazy('The start and end time, e.g. "10.00-11.00".')),
    ("place", gettext_lazy("The place at the unit, or the unit's name when no place is given.")),
    ("visit_leader", gettext_lazy("The visit leader's name and job title.")),
    ("leaders", gettext_lazy("The leadership team of the visit, with job titles.")),
    (
        "contact",
        gettext_lazy(
            "Whom the unit can ask for more information: the visit's coordinator "
            "(or the visit leader), with e-mail address."
        ),
    ),
    (
        "staff_input_link",
        gettext_lazy("The link where the unit's staff can send examples before the visit."),
    ),
]
