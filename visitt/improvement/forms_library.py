"""Forms for the learning library: the category filter and the entry. The rules are in
services_library.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.core.forms import GuardedForm

from .library import LibraryEntry
from .services_library import EntryData


class CategoryFilterForm(forms.Form):
    kategori = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, categories: list[tuple[int, str, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kategori"]
        field.choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *((pk, f"{name} ({count})") for pk, name, count in categories),
        ]

    def category(self) -> int | None:
        if not self.is_valid():
            return None
        return self.cleaned_data["kategori"]


class EntryForm(GuardedForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What others search for: the problem and what solved it."),
    )
    summary = forms.CharField(
        label=_("What was done"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe the change so that another unit can do the same: about routines and "
            "systems, never a person, a patient or a user."
        ),
    )
    result = forms.CharField(
        label=_("What the measures showed"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    advice = forms.CharField(
        label=_("Advice to other units"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What others should know before they try the same."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def data_for_service(self) -> EntryData:
        data = self.cleaned_data
        return EntryData(
            title=data["title"],
            summary=data["summary"],
            result=data["result"],
            advice=data["advice"],
        )

    @classmethod
    def initial_for(cls, entry: LibraryEntry) -> dict[str, Any]:
        return {
            "title": entry.title,
            "summary": entry.summary,
            "result": entry.result,
            "advice": entry.advice,
            "version": entry.version,
        }
