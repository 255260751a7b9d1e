"""The filters of the theme analysis and the search box (GET forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from visitt.organisations.models import Unit

from .search import MIN_LENGTH


class ThemeFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    unit = forms.TypedChoiceField(
        label=_("Unit (with the units below it)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, years: list[int], units: list[Unit], **kwargs: Any) -> None:
        """``years`` and ``units`` are already loaded: the form makes no query."""
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [("", _("All years")), *((y, str(y)) for y in years)]
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)
        unit.choices = [
            ("", _("All units")),
            *((u.pk, u.name) for u in sorted(units, key=lambda u: u.name.lower())),
        ]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search problems, actions and follow-up reviews"),
        min_length=MIN_LENGTH,
        max_length=200,
        strip=True,
    )
