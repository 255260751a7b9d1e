"""Faults (issue 7): the app server is SIGKILLed while notes, problems and signatures are
being saved. After a restart no record is half-written (every stored version of a note
has its audit event, written in the same transaction; signed minutes have both
signatures, their lock and their audit event, or none of them) and every save the user
was told succeeded is there."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from .servers import (
    DEMO_PASSWORD,
    Browser,
    Server,
    app_environment,
    copy_sqlite,
    run_python,
    seeded_sqlite,
)

pytestmark = pytest.mark.ops

WRITER = "toppleder@demo.visitt.no"
WRITERS = 6
SIGNERS = 3

A_VISIT_AND_ITS_QUESTIONS = """
import json
from visitt.planning.visits import Visit
from visitt.walkround.questions import Question
visit = Visit.objects.filter(organisation__name="Demo kommune").order_by("-date").first()
questions = Question.objects.filter(organisation=visit.organisation).order_by("pk")
print(json.dumps({"visit": visit.pk, "questions": list(questions.values_list("pk", flat=True))}))
"""

# The problems of the latest visit of Demo kommune that has some.
PROBLEMS_TO_EDIT = """
import json
from visitt.walkround.problems import Problem
problems = Problem.objects.filter(visit__organisation__name="Demo kommune").order_by(
    "-visit__date", "number"
)
visit = problems.first().visit_id
print(json.dumps([[p.visit_id, p.pk, p.number, p.version] for p in problems.filter(visit=visit)]))
"""

STORED_PROBLEMS = """
import json
from visitt.audit.models import AuditEvent
from visitt.walkround.problems import Problem
stored = {}
for problem in Problem.objects.filter(pk__in=%(pks)s):
    audited = sorted(
        event.data.get("version")
        for event in AuditEvent.objects.filter(
            action="visit.changed", object_id=str(problem.visit_id), data__problem=problem.number
        )
    )
    stored[str(problem.pk)] = {"version": problem.version, "text": problem.title, "audited": audited}
print(json.dumps(stored))
"""

STORED_NOTES = """
import json
from visitt.audit.models import AuditEvent
from visitt.walkround.conduct import VisitNote
notes = {}
for note in VisitNote.objects.filter(visit_id=%(visit)d, question__isnull=False):
    audited = sorted(
        event.data.get("version")
        for event in AuditEvent.objects.filter(action="%(action)s", data__note=note.pk)
    )
    notes[str(note.question_id)] = {"version": note.version, "text": note.text, "audited": audited}
print(json.dumps(notes))
"""

# Every signed minutes of Demo kommune gets a corrected version 2 in review, as after
# "new version" and "send for review": the top leader, who leads these visits, signs
# each in both roles with one POST (two signatures, the lock, the status, the audit).
REOPENED_MINUTES = """
import json
from django.db.models import F
from django.utils import timezone
from visitt.followup.models import Minutes, MinutesVersion
reopened = []
for minutes in Minutes.objects.filter(
    visit__organisation__name="Demo kommune",
    status=Minutes.Status.SIGNED,
    visit__visit_leader__email="%(signer)s",
).order_by("pk"):
    latest = minutes.versions.order_by("-number").first()
    MinutesVersion.objects.create(
        minutes=minutes, number=latest.number + 1, body=latest.body,
        reason="Rettet en skrivefeil", created_by=latest.created_by,
    )
    Minutes.objects.filter(pk=minutes.pk).update(
        status=Minutes.Status.IN_REVIEW, signed_at=None, sent_for_review_at=timezone.now(),
        version=F("version") + 1,
    )
    minutes.refresh_from_db()
    reopened.append([minutes.visit_id, minutes.version])
print(json.dumps(reopened))
"""

STORED_SIGNATURES = """
import json
from visitt.audit.models import AuditEvent
from visitt.followup.models import Minutes
stored = {}
for minutes in Minutes.objects.filter(visit_id__in=%(visits)s):
    latest = minutes.versions.order_by("-number").first()
    stored[str(minutes.visit_id)] = {
        "status": minutes.status,
        "roles": sorted(latest.signatures.values_list("role", flat=True)),
        "locked": latest.locked_at is not None,
        "audited": AuditEvent.objects.filter(
            action="minutes.signed", object_id=str(minutes.visit_id), data__version=latest.number
        ).count(),
    }
print(json.dumps(stored))
"""


@dataclass
class NoteWriter:
    """Saves one note again and again, as a secretary typing, and remembers what the
    server acknowledged and what was in flight when the connection broke."""

    browser: Browser
    visit: int
    question: int
    version: int = 0
    acknowledged: tuple[int, str] = (0, "")
    in_flight: str = ""
    unexpected: list[str] = field(default_factory=list)
    first_version: int = 0
    broken: str = ""  # why the connection broke, for the failure message

    def key(self) -> str:
        return str(self.question)

    def text(self, count: int) -> str:
        return f"Note for question {self.question}, save {count}. " + "x" * (count % 50)

    def save(self, text: str) -> requests.Response:
        return self.browser.post(
            f"/visitter/{self.visit}/notater/",
            {"question": self.question, "text": text, "version": self.version},
            headers={"Accept": "application/json"},
        )

    def saved_version(self, response: requests.Response) -> int | None:
        """The version the server says it stored, or None when it did not save."""
        if response.status_code != 200 or response.json().get("status") != "saved":
            return None
        return response.json()["version"]

    def run(self, stop: threading.Event) -> None:
        count = 0
        while not stop.is_set():
            count += 1
            text = self.text(count)
            self.in_flight = text
            try:
                response = self.save(text)
            except requests.RequestException as error:
                self.broken = repr(error)
                return  # the server died under us: this save's fate is unknown
            version = self.saved_version(response)
            if version is None:
                self.unexpected.append(f"{response.status_code} {response.text[:300]}")
                return
            self.version = version
            self.acknowledged = (version, text)
            self.in_flight = ""


@dataclass
class ProblemWriter(NoteWriter):
    """Edits one problem's title again and again (the edit form, answered by a redirect)."""

    problem: int = 0

    def key(self) -> str:
        return str(self.problem)

    def text(self, count: int) -> str:
        return f"Problem {self.problem}, edit {count}"

    def save(self, text: str) -> requests.Response:
        return self.browser.post(
            f"/visitter/{self.visit}/problemer/{self.problem}/",
            {"title": text, "description": "Edited under load", "version": self.version},
            allow_redirects=False,
        )

    def saved_version(self, response: requests.Response) -> int | None:
        return self.version + 1 if response.status_code == 302 else None


@dataclass
class Signer:
    """Signs one minutes after the other, as a top leader clearing a pile, and
    remembers which signings the server acknowledged and which was in flight."""

    browser: Browser
    minutes: list[tuple[int, int]]  # (visit, version) in the order they are signed
    acknowledged: list[int] = field(default_factory=list)
    in_flight: int = 0
    unexpected: list[str] = field(default_factory=list)
    broken: str = ""

    def run(self, stop: threading.Event) -> None:
        for visit, version in self.minutes:
            if stop.is_set():
                return
            self.in_flight = visit
            try:
                response = self.browser.post(
                    f"/visitter/{visit}/referat/signer/",
                    {"version": version, "password": DEMO_PASSWORD},
                    allow_redirects=False,
                )
            except requests.RequestException as error:
                self.broken = repr(error)
                return
            if response.status_code != 302:
                self.unexpected.append(f"{response.status_code} {response.text[:300]}")
                return
            self.acknowledged.append(visit)
            self.in_flight = 0


def signed_in(url: str) -> Browser:
    browser = Browser(url)
    browser.sign_in(WRITER)
    return browser


def has_saved(writer: NoteWriter | Signer) -> bool:
    if isinstance(writer, Signer):
        return bool(writer.acknowledged or writer.unexpected)
    return writer.acknowledged[0] > writer.first_version or bool(writer.unexpected)


def run_writers_and_kill(
    server: Server, writers: list[NoteWriter | Signer], seconds: float
) -> None:
    stop = threading.Event()
    threads = [threading.Thread(target=writer.run, args=(stop,)) for writer in writers]
    for thread in threads:
        thread.start()
    # Kill once every writer has had a save acknowledged (a loaded machine can be slow
    # to answer the first), and a little later, while the next saves are in flight.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(has_saved(writer) for writer in writers):
        time.sleep(0.05)
    time.sleep(seconds)
    server.kill()  # SIGKILL to the master and its workers, mid-save
    stop.set()
    for thread in threads:
        thread.join(timeout=40)


def assert_nothing_acknowledged_lost_and_nothing_half_written(
    writers: list[NoteWriter], stored: dict
) -> None:
    for writer in writers:
        assert not writer.unexpected, writer.unexpected
        acknowledged_version, acknowledged_text = writer.acknowledged
        assert acknowledged_version > 0, f"no save was acknowledged before the kill: {writer}"
        note = stored[writer.key()]
        # Only the one save in flight may have been committed after the last answer.
        assert note["version"] in (acknowledged_version, acknowledged_version + 1)
        if note["version"] == acknowledged_version:
            assert note["text"] == acknowledged_text
        else:
            assert note["text"] == writer.in_flight
        # The save and its audit event are one transaction: each version has one event.
        assert note["audited"] == list(range(writer.first_version + 1, note["version"] + 1))


def assert_every_signing_whole_and_none_acknowledged_lost(
    signers: list[Signer], stored: dict
) -> None:
    for signer in signers:
        assert not signer.unexpected, signer.unexpected
        assert signer.acknowledged, f"no signing was acknowledged before the kill: {signer}"
        for visit, _version in signer.minutes:
            minutes = stored[str(visit)]
            signed = minutes["status"] == "signed"
            # All of a signing is stored, or none of it.
            if signed:
                assert minutes["roles"] == ["top_leader", "visit_leader"], minutes
                assert minutes["locked"] and minutes["audited"] == 1, minutes
            else:
                assert minutes == {
                    "status": "in_review",
                    "roles": [],
                    "locked": False,
                    "audited": 0,
                }, minutes
            if visit in signer.acknowledged:
                assert signed, f"acknowledged signing of visit {visit} lost: {minutes}"
            elif visit != signer.in_flight:
                assert not signed, f"visit {visit} signed without being asked: {minutes}"


def sigkill_during_saves(database_url: str, tmp_path: Path) -> None:
    environment = app_environment(database_url, tmp_path / "media")
    target = run_python(environment, A_VISIT_AND_ITS_QUESTIONS)
    problems = run_python(environment, PROBLEMS_TO_EDIT)
    reopened = run_python(environment, REOPENED_MINUTES % {"signer": WRITER})
    assert isinstance(target, dict) and isinstance(problems, list) and problems
    assert isinstance(reopened, list) and len(reopened) >= SIGNERS * 2, reopened
    server = Server(environment, tmp_path / "server-1.log")
    try:
        note_writers = [
            NoteWriter(signed_in(server.url), target["visit"], question)
            for question in target["questions"][:WRITERS]
        ]
        problem_writers = [
            ProblemWriter(
                signed_in(server.url),
                visit,
                question=0,
                version=version,
                first_version=version,
                problem=pk,
            )
            for visit, pk, _number, version in problems
        ]
        signers = [
            Signer(signed_in(server.url), [tuple(pair) for pair in reopened[n::SIGNERS]])
            for n in range(SIGNERS)
        ]
        run_writers_and_kill(server, [*note_writers, *problem_writers, *signers], seconds=1)
    finally:
        server.kill()

    stored_notes = run_python(
        environment, STORED_NOTES % {"visit": target["visit"], "action": "visit.notes_changed"}
    )
    stored_problems = run_python(
        environment, STORED_PROBLEMS % {"pks": [writer.problem for writer in problem_writers]}
    )
    stored_signatures = run_python(
        environment, STORED_SIGNATURES % {"visits": [visit for visit, _ in reopened]}
    )
    assert isinstance(stored_notes, dict) and isinstance(stored_problems, dict)
    assert isinstance(stored_signatures, dict)
    assert_every_signing_whole_and_none_acknowledged_lost(signers, stored_signatures)
    assert_nothing_acknowledged_lost_and_nothing_half_written(note_writers, stored_notes)
    assert_nothing_acknowledged_lost_and_nothing_half_written(problem_writers, stored_problems)

    # After the restart the work goes on from the stored version.
    restarted = Server(environment, tmp_path / "server-2.log")
    try:
        writer = note_writers[0]
        writer.browser = writer.browser.with_base(restarted.url)
        response = writer.browser.post(
            f"/visitter/{writer.visit}/notater/",
            {
                "question": writer.question,
                "text": "After the restart",
                "version": stored_notes[writer.key()]["version"],
            },
            headers={"Accept": "application/json"},
        )
        assert response.json()["status"] == "saved", response.text
    finally:
        restarted.stop()


def test_sigkill_during_note_problem_and_signature_saves_on_sqlite(tmp_path, tmp_path_factory):
    database = copy_sqlite(seeded_sqlite(tmp_path_factory), tmp_path / "live.sqlite3")
    sigkill_during_saves(f"sqlite:///{database}", tmp_path)

    assert sqlite3.connect(database).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigkill_during_note_problem_and_signature_saves_on_postgres(tmp_path, seeded_postgres):
    sigkill_during_saves(seeded_postgres, tmp_path)
