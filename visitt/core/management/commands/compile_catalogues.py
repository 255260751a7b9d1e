"""Compiles locale/*/LC_MESSAGES/*.po to .mo with polib, so no gettext tools are needed
to run Visitt. Skips catalogues whose .mo is newer than the .po."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the translation catalogues (nb, nn, en)."

    def handle(self, *args: object, **options: object) -> None:
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        if compiled and options.get("verbosity", 1):
            self.stdout.write(f"Compiled {compiled} catalogue(s).")
