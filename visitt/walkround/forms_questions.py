"""Forms for the question bank and the opening script."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .conduct import OpeningScript
from .question_bank import MAX_TEXT
from .questions import Question


class QuestionForm(forms.ModelForm):
    """A question in the three languages; prompts one per line."""

    class Meta:
        model = Question
        fields = ["theme", "text_nb", "text_nn", "text_en", "hints_nb", "hints_nn", "hints_en"]
        widgets = {
            "text_nb": forms.Textarea(attrs={"rows": 3, "lang": "nb"}),
            "text_nn": forms.Textarea(attrs={"rows": 3, "lang": "nn"}),
            "text_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
            "hints_nb": forms.Textarea(attrs={"rows": 3, "lang": "nb"}),
            "hints_nn": forms.Textarea(attrs={"rows": 3, "lang": "nn"}),
            "hints_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        }
        help_texts = {
            "text_nn": _("Leave empty to show the Bokmål text."),
            "text_en": _("Leave empty to show the Bokmål text."),
            "hints_nb": _("Optional points to ask about, one per line."),
            "hints_nn": _("Optional. Leave empty to show the Bokmål prompts."),
            "hints_en": _("Optional. Leave empty to show the Bokmål prompts."),
        }

    def __init__(self, *args, rewording: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if rewording:
            # The theme is what the question is about; a different theme is a new question.
            del self.fields["theme"]
        for name in ("text_nb", "text_nn", "text_en", "hints_nb", "hints_nn", "hints_en"):
            self.fields[name].validators.append(MaxLengthValidator(MAX_TEXT))
            self.fields[name].widget.attrs["maxlength"] = MAX_TEXT


class OpeningScriptForm(forms.ModelForm):
    class Meta:
        model = OpeningScript
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "text": _(
                "What the leader says at the start: the purpose, confidentiality, system "
                "focus rather than individuals, no blame, and up to three problems."
            )
        }

    def __init__(self, *args, language: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].validators.append(MaxLengthValidator(10_000))
        # The script is in its language form (nb or nn), the label and help text in the
        # interface's language: only the text field carries the script's `lang`.
        if language:
            self.fields["text"].widget.attrs["lang"] = language
