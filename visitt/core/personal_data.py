"""The personal-data guard: finds what points at a person in text that should be about
systems and routines.

The method says what is said at a walkround is about systems, never individuals, and
Visitt must never hold patients' or staff members' identities in free text. Every place
where people type free text (staff examples, notes, problems) runs check_text() first;
check_text() is scan() (the one implementation) wrapped in a GuardResult with messages:

- a valid fødselsnummer or D-number (checked with python-stdnum, so eleven random digits
  do not count) is a BLOCK: the text is refused;
- a phone number, an e-mail address, or a phrase like "pasienten på rom 12" is a
  WARNING: the writer may rephrase, or save anyway with a reason. The caller then records
  PERSONAL_DATA_OVERRIDE in the audit trail with the reason and the kinds found, never
  the matched text (record_override below).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext as _
from stdnum.no import fodselsnummer

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

    from visitt.audit.models import AuditEvent


class Kind(StrEnum):
    NATIONAL_ID = "national_id"
    PHONE = "phone"
    EMAIL = "email"
    PERSON_REFERENCE = "person_reference"


BLOCKING = frozenset({Kind.NATIONAL_ID})

# Six digits of birth date (optionally written 15.10.86 or 15 10 86), then five digits,
# with at most a space, a dot or a hyphen between the two parts. The digits around must
# not continue, so a longer number (an account number, say) is not read as one.
_NATIONAL_ID = re.compile(r"(?<![\d])(\d{2}[ .]?\d{2}[ .]?\d{2})[ .\-]?(\d{5})(?![\d])")

# Norwegian numbers have eight digits and start with 2-9 (4 and 9 are mobiles), written
# together or grouped as 12 34 56 78 or 123 45 678, optionally after +47 or 0047.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?47[\s.\-]?)?"
    r"(?:[2-9]\d{7}|[2-9]\d(?:[\s.\-]\d{2}){3}|[2-9]\d{2}[\s.\-]\d{2}[\s.\-]\d{3})"
    r"(?![\w])"
)

_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)

# A person at the unit pointed out by where they live or lie, in Bokmål and Nynorsk:
# "pasient på rom 12", "beboeren i leilighet 4", "bebuaren på rommet 3", "brukar i
# husvære 2", "hun på seng 3".
_PERSON_WORDS = (
    r"pasient(?:en)?|pasientar|beboer(?:en)?|bebuar(?:en)?|bruker(?:en)?|brukar(?:en)?"
    r"|han|hun|ho|mannen|kvinnen|kvinna|dama|damen"
)
_PLACE_WORDS = (
    r"rom(?:met)?|seng(?:a|en)?|leilighet(?:en)?|leilegheit(?:a)?|husvære(?:t)?|hybel(?:en)?"
)
_PERSON_REFERENCE = re.compile(
    rf"\b(?:{_PERSON_WORDS})\s+(?:(?:på|pa|i|frå|fra)\s+)?(?:{_PLACE_WORDS})"
    r"\s*(?:nr\.?|nummer)?\s*\d+[a-zæøå]?\b",
    re.IGNORECASE,
)


FindingKind = Literal["fodselsnummer", "d_number", "phone", "email", "patient_reference"]

# What scan() reports, and the broader kind check_text() groups it under (the audit
# trail and the messages speak of "a national identity number", not which sort).
_CATEGORY: dict[str, Kind] = {
    "fodselsnummer": Kind.NATIONAL_ID,
    "d_number": Kind.NATIONAL_ID,
    "phone": Kind.PHONE,
    "email": Kind.EMAIL,
    "patient_reference": Kind.PERSON_REFERENCE,
}


@dataclass(frozen=True)
class Finding:
    """One find in a text: its kind, where it is (``text[start:end]``), and whether it
    blocks the save. Holds positions, never the matched text."""

    kind: FindingKind
    start: int
    end: int
    blocking: bool = False

    @property
    def category(self) -> Kind:
        return _CATEGORY[self.kind]


@dataclass(frozen=True)
class GuardResult:
    """What check_text() found. Holds positions, not the matched text, so that a result
    can be logged or audited without copying personal data."""

    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def blocked(self) -> bool:
        """A national identity number: the text must not be saved, whatever the reason."""
        return any(finding.blocking for finding in self.findings)

    @property
    def has_warnings(self) -> bool:
        return any(not finding.blocking for finding in self.findings)

    @property
    def kinds(self) -> list[str]:
        """The kinds found, each once, in a stable order (for the audit trail)."""
        found = {finding.category for finding in self.findings}
        return [kind.value for kind in Kind if kind in found]

    def messages(self) -> list[str]:
        """One message per kind found, then what to do about it (translated)."""
        found = set(self.kinds)
        texts = []
        if Kind.NATIONAL_ID in found:
            texts.append(
                _(
                    "The text contains what looks like a national identity number (fødselsnummer or D-number). It cannot be saved; remove the number."
                )
            )
        if Kind.PHONE in found:
            texts.append(_("The text contains what looks like a phone number."))
        if Kind.EMAIL in found:
            texts.append(_("The text contains what looks like an e-mail address."))
        if Kind.PERSON_REFERENCE in found:
            texts.append(
                _(
                    "The text points at a person, for example by room, bed or flat number (“the patient in room 12”)."
                )
            )
        if texts:
            texts.append(
                _(
                    "Describe the system and the routines, not the person: what happened and what made it possible, without anything that can identify a patient, a user or a colleague."
                )
            )
        return texts


def _national_ids(text: str) -> list[Finding]:
    found = []
    for match in _NATIONAL_ID.finditer(text):
        digits = match.group(1).replace(" ", "").replace(".", "") + match.group(2)
        # is_valid() checks both check digits and the birth date, and accepts D-numbers
        # (day + 40) and H-numbers; eleven random digits pass about once in 150.
        if fodselsnummer.is_valid(digits):
            kind: FindingKind = "d_number" if digits[0] in "4567" else "fodselsnummer"
            found.append(Finding(kind, match.start(), match.end(), blocking=True))
    return found


_WARNINGS: tuple[tuple[FindingKind, re.Pattern[str]], ...] = (
    ("email", _EMAIL),
    ("phone", _PHONE),
    ("patient_reference", _PERSON_REFERENCE),
)


def scan(text: str) -> list[Finding]:
    """Finds personal data in ``text``: pure, no query, linear in the text's length.

    Returns the findings in the order they appear. Overlapping finds are reported once,
    as the most serious kind (a fødselsnummer is never also reported as a phone number,
    nor an e-mail address that is one). ``blocking`` is true for a valid fødselsnummer or
    D-number (python-stdnum checks the date and both check digits).
    """
    if not text:
        return []
    candidates = _national_ids(text)
    for kind, pattern in _WARNINGS:  # in order of seriousness
        candidates.extend(Finding(kind, m.start(), m.end()) for m in pattern.finditer(text))
    if len(candidates) < 2:
        return candidates
    # Keep a candidate unless it overlaps one kept before it. The kept ones never
    # overlap each other, so sorted by start they are sorted by end too: one bisection
    # finds the only two neighbours that could overlap.
    starts: list[int] = []
    kept: list[Finding] = []
    for candidate in candidates:
        i = bisect_right(starts, candidate.start)
        if i > 0 and kept[i - 1].end > candidate.start:
            continue
        if i < len(kept) and kept[i].start < candidate.end:
            continue
        starts.insert(i, candidate.start)
        kept.insert(i, candidate)
    return kept


def check_text(text: str) -> GuardResult:
    """Finds personal data in ``text`` (no query): scan() with the messages and the
    kinds for the audit trail."""
    return GuardResult(tuple(scan(text)))


def record_override(
    request: HttpRequest | None,
    result: GuardResult,
    reason: str,
    *,
    target: models.Model | None = None,
    **audit: Any,
) -> AuditEvent:
    """Audits that text was saved despite warnings: the reason and the kinds found,
    never the text itself. A blocked result can never be overridden."""
    from visitt.audit.models import AuditEvent
    from visitt.audit.services import record

    if result.blocked:
        raise ValueError("A national identity number cannot be overridden.")
    return record(
        request,
        AuditEvent.Action.PERSONAL_DATA_OVERRIDE,
        target=target,
        kinds=result.kinds,
        reason=reason.strip()[:500],
        **audit,
    )
