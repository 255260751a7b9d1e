"""Reading spreadsheets saved as CSV, the way Norwegian offices save them.

Excel on Norwegian Windows writes ';' and cp1252; other tools write ',' and UTF-8.
Used by every import (units, incident counts): the caller checks the rows, and
reports problems row by row with the line numbers kept here.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

Row = tuple[int, list[str]]  # (line number in the file, cells)


class CsvFileError(Exception):
    """The file cannot be read at all; ``line`` is 0 when it is not one row's fault."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="strict")
    if "\x00" in text:
        # A binary file (or UTF-16); PostgreSQL cannot store NUL in text either.
        raise UnicodeDecodeError("utf-8", raw, 0, 1, "NUL character")
    return text


def delimiter_of(header: str) -> str:
    """The separator of the heading row: Excel writes ';' in Norway, others ','."""
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def read_rows(raw: bytes, *, max_bytes: int) -> list[Row]:
    """The non-empty rows of a CSV file, with their line numbers; raises CsvFileError."""
    if len(raw) > max_bytes:
        raise CsvFileError(
            0, _("The file is larger than %(size)d MB.") % {"size": max_bytes // (1024 * 1024)}
        )
    try:
        text = decode(raw)
    except UnicodeDecodeError:
        raise CsvFileError(
            0, _("The file is not a text file in UTF-8 or Windows encoding.")
        ) from None
    if not text.strip():
        raise CsvFileError(0, _("The file is empty."))
    # strict: a stray or unclosed quote is an error, not a silently merged cell.
    reader = csv.reader(
        io.StringIO(text), delimiter=delimiter_of(text.lstrip().splitlines()[0]), strict=True
    )
    rows: list[Row] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise CsvFileError(
            reader.line_num, _("The file could not be read as CSV: %(error)s") % {"error": error}
        ) from None
    return [(line, row) for line, row in rows if any(value.strip() for value in row)]


def one_line(value: str) -> str:
    """A cell as one line with single spaces (a quoted cell may span lines)."""
    return " ".join(value.split())
