"""Forms for the problem categories. Uniqueness and the rename check are decided in
categories.py; the form only checks the shape of the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .categories import MAX_NAME


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=MAX_NAME,
        help_text=_("A risk area a problem can belong to, such as falls or pressure ulcers."),
    )

    def __init__(self, *args: Any, renaming: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if renaming:
            self.fields["name"].help_text = _(
                "Problems that already have this category show the new name."
            )
            # The name the form was opened with: a rename only applies if it still is.
            self.fields["stored_name"] = forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=MAX_NAME
            )
