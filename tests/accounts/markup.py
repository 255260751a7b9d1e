"""A small structural check of a page's HTML, for the account pages' tests.

Not a replacement for axe-core (tests/accounts/test_accessibility.py runs that in a
browser); it catches the same classes of mistakes in the fast test run.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parents=[e.tag for e in self.stack])
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data


def problems(html: str) -> list[str]:
    """Everything wrong with the page, as readable sentences; empty when it is fine."""
    parser = _Collector()
    parser.feed(html)
    elements = parser.elements
    found: list[str] = []

    h1s = [e for e in elements if e.tag == "h1"]
    if len(h1s) != 1:
        found.append(f"{len(h1s)} h1 elements instead of one")
    levels = [int(e.tag[1]) for e in elements if e.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            found.append(f"heading level jumps from h{before} to h{after}")
    if not any(e.tag == "main" for e in elements):
        found.append("no main landmark")

    ids = [e.attrs["id"] for e in elements if e.attrs.get("id")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        found.append(f"duplicate ids: {sorted(duplicates)}")
    labelled = {e.attrs.get("for") for e in elements if e.tag == "label"}
    for e in elements:
        if e.tag in {"input", "select", "textarea"}:
            if e.attrs.get("type") in UNLABELLED_INPUT_TYPES:
                continue
            if (
                e.attrs.get("id") not in labelled
                and not e.attrs.get("aria-label")
                and "label" not in e.parents
            ):
                found.append(f"<{e.tag} name={e.attrs.get('name')!r}> has no label")
        for referenced in e.attrs.get("aria-describedby", "").split():
            if referenced not in ids:
                found.append(f"aria-describedby points at missing id {referenced!r}")
        is_button = e.tag == "button" or (e.tag == "a" and "ds-button" in e.attrs.get("class", ""))
        if is_button and not e.text.strip() and not e.attrs.get("aria-label"):
            found.append(f"empty {e.tag}")
        if e.tag == "a" and not e.attrs.get("href"):
            found.append("link without href")
        if e.tag == "img" and "alt" not in e.attrs:
            found.append("img without alt")
    return found
