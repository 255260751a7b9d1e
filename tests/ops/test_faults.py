"""Faults (issue 7): the app server is SIGKILLed while notes are being saved. After a
restart no record is half-written (every stored version of a note has its audit event,
written in the same transaction) and every save the user was told succeeded is there."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from .servers import Browser, Server, app_environment, copy_sqlite, run_python, seeded_sqlite

pytestmark = pytest.mark.ops

WRITER = "toppleder@demo.visitt.no"
WRITERS = 6

A_VISIT_AND_ITS_QUESTIONS = """
import json
from visitt.planning.visits import Visit
from visitt.walkround.questions import Question
visit = Visit.objects.filter(organisation__name__startswith="Demo").order_by("-date").first()
questions = Question.objects.filter(organisation=visit.organisation).order_by("pk")
print(json.dumps({"visit": visit.pk, "questions": list(questions.values_list("pk", flat=True))}))
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

    def run(self, stop: threading.Event) -> None:
        count = 0
        while not stop.is_set():
            count += 1
            text = f"Note for question {self.question}, save {count}. " + "x" * (count % 50)
            self.in_flight = text
            try:
                response = self.browser.post(
                    f"/visitter/{self.visit}/notater/",
                    {"question": self.question, "text": text, "version": self.version},
                    headers={"Accept": "application/json"},
                )
            except requests.RequestException:
                return  # the server died under us: this save's fate is unknown
            if response.status_code != 200 or response.json().get("status") != "saved":
                self.unexpected.append(f"{response.status_code} {response.text[:200]}")
                return
            self.version = response.json()["version"]
            self.acknowledged = (self.version, text)
            self.in_flight = ""


def signed_in(url: str) -> Browser:
    browser = Browser(url)
    browser.sign_in(WRITER)
    return browser


def run_writers_and_kill(server: Server, writers: list[NoteWriter], seconds: float) -> None:
    stop = threading.Event()
    threads = [threading.Thread(target=writer.run, args=(stop,)) for writer in writers]
    for thread in threads:
        thread.start()
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
        assert acknowledged_version > 0, "no save was acknowledged before the kill"
        note = stored[str(writer.question)]
        # Only the one save in flight may have been committed after the last answer.
        assert note["version"] in (acknowledged_version, acknowledged_version + 1)
        if note["version"] == acknowledged_version:
            assert note["text"] == acknowledged_text
        else:
            assert note["text"] == writer.in_flight
        # The note and its audit event are one transaction: each version has one event.
        assert note["audited"] == list(range(1, note["version"] + 1))


def sigkill_during_note_saves(database_url: str, tmp_path: Path) -> None:
    environment = app_environment(database_url, tmp_path / "media")
    target = run_python(environment, A_VISIT_AND_ITS_QUESTIONS)
    assert isinstance(target, dict)
    server = Server(environment, tmp_path / "server-1.log")
    try:
        writers = [
            NoteWriter(signed_in(server.url), target["visit"], question)
            for question in target["questions"][:WRITERS]
        ]
        run_writers_and_kill(server, writers, seconds=2.5)
    finally:
        server.kill()

    stored = run_python(
        environment, STORED_NOTES % {"visit": target["visit"], "action": "visit.notes_changed"}
    )
    assert isinstance(stored, dict)
    assert_nothing_acknowledged_lost_and_nothing_half_written(writers, stored)

    # After the restart the work goes on from the stored version.
    restarted = Server(environment, tmp_path / "server-2.log")
    try:
        writer = writers[0]
        writer.browser = writer.browser.with_base(restarted.url)
        response = writer.browser.post(
            f"/visitter/{writer.visit}/notater/",
            {
                "question": writer.question,
                "text": "After the restart",
                "version": stored[str(writer.question)]["version"],
            },
            headers={"Accept": "application/json"},
        )
        assert response.json()["status"] == "saved", response.text
    finally:
        restarted.stop()


def test_sigkill_during_note_saves_on_sqlite(tmp_path, tmp_path_factory):
    database = copy_sqlite(seeded_sqlite(tmp_path_factory), tmp_path / "live.sqlite3")
    sigkill_during_note_saves(f"sqlite:///{database}", tmp_path)

    assert sqlite3.connect(database).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigkill_during_note_saves_on_postgres(tmp_path, seeded_postgres):
    sigkill_during_note_saves(seeded_postgres, tmp_path)
