"""Texts shown by Django that its own nb/nn catalogues lack.

Never called: it exists so that `make messages` puts these texts in Visitt's
catalogues, which take precedence over Django's.
"""

from django.utils.translation import ngettext


def _borrowed(min_length: int) -> list[str]:
    return [
        ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            min_length,
        ),
    ]
