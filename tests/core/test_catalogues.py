"""The nb, nn and en catalogues are complete: every interface text in the source has a
translation in each, none is fuzzy, and the catalogues are not stale."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LANGUAGES = ["nb", "nn", "en"]
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


def problems_in(po_path: Path) -> list[str]:
    catalogue = polib.pofile(str(po_path))
    found = [f"untranslated: {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    found += [f"fuzzy: {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert po_path.exists(), f"{po_path} is missing: run `make messages`"
    assert problems_in(po_path) == []


def test_every_text_in_the_source_is_in_the_catalogues(tmp_path, settings):
    """Extracts the messages afresh (as `make messages` does) into a copy of the
    catalogues, and checks that nothing new appears untranslated."""
    if not shutil.which("xgettext"):
        message = "gettext (xgettext) is not installed: cannot check that catalogues are current"
        if os.environ.get("VISITT_REQUIRE_GETTEXT") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # makemessages writes to the `locale` folder of the directory it runs in, so run
    # it in a scratch directory that links to the source and holds a copy of the
    # catalogues; the committed catalogues are never touched.
    base = Path(settings.BASE_DIR)
    for source in ("visitt", "templates"):
        (tmp_path / source).symlink_to(base / source)
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [copy]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command(
            "makemessages",
            locale=LANGUAGES,
            no_location=True,
            no_obsolete=True,
            symlinks=True,
            verbosity=0,
        )
    finally:
        os.chdir(cwd)
    for language in LANGUAGES:
        problems = problems_in(copy / language / "LC_MESSAGES" / "django.po")
        assert problems == [], (
            f"{language}: texts missing from the catalogue — run `make messages` and translate: {problems[:20]}"
        )
