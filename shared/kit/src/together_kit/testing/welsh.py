"""Checking that a page shown in Welsh has no English left from the catalogues."""

import re
from collections.abc import Iterable, Mapping
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from together_kit.web.i18n import KIT_LOCALES, Catalogues, template_messages

SHORTEST_CHECKED = 4
"""Shorter msgid pieces ("OK", "or") could occur inside Welsh words; they are not looked for."""
PLACEHOLDER = re.compile(r"%\(\w+\)s")


class VisibleText(HTMLParser):
    """A page's text as a reader meets it, leaving out any part marked as English on purpose
    (the language switch offers "English" in English) and the elements in `skip`."""

    VOID = frozenset({"area", "br", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self, html: str, *, skip: Iterable[str] = ("script", "style")) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = frozenset(skip)
        self.parts: list[str] = []
        self.stack: list[bool] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        english = tag != "html" and dict(attrs).get("lang") == "en"
        hidden = tag in self.skip or english
        self.stack.append(hidden or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(unescape(" ".join(self.parts)).split())


def english_left(
    html: str, entries: Mapping[str, str], *, skip: Iterable[str] = ("script", "style")
) -> list[str]:
    """The msgids with a different Welsh translation whose English shows on the page, outside
    the Welsh of the catalogue (Welsh that keeps an English word on purpose, as "Fy together"
    keeps the name, is not English left)."""
    text = VisibleText(html, skip=skip).text
    welsh = {
        " ".join(piece.split())
        for msgid, msgstr in entries.items()
        if msgstr != msgid
        for piece in PLACEHOLDER.split(msgstr)
    }
    for piece in sorted(welsh, key=len, reverse=True):
        if len(piece) >= SHORTEST_CHECKED:
            text = text.replace(piece, " | ")
    left = []
    for msgid, msgstr in entries.items():
        if msgid == msgstr:
            continue
        pieces = [" ".join(p.split()) for p in PLACEHOLDER.split(msgid)]
        if any(len(p) >= SHORTEST_CHECKED and p in text for p in pieces):
            left.append(msgid)
    return left


def in_welsh(choice: str) -> dict[str, Any]:
    """Request arguments that ask for Welsh one way (`query`) or the other (the header)."""
    if choice == "query":
        return {"params": {"lang": "cy"}}
    return {"headers": {"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}}


def catalogue_gaps(web: Path, *, in_code: Iterable[str] = ()) -> dict[str, list[str]]:
    """What a service's Welsh catalogue (`<web>/locales`) lacks or repeats; all lists empty is good.

    `untranslated`: entries without Welsh; `repeats_kit`: entries the kit's catalogue already
    has; `missing`: messages used by the templates (or passed in `in_code`) with no Welsh at all.
    """
    service = Catalogues(web / "locales")
    kit = Catalogues(KIT_LOCALES).catalogue_entries("cy")
    merged = Catalogues(KIT_LOCALES, web / "locales").catalogue_entries("cy")
    used = template_messages(web / "templates") | set(in_code)
    return {
        "untranslated": service.untranslated("cy"),
        "repeats_kit": sorted(service.catalogue_entries("cy").keys() & kit.keys()),
        "missing": sorted(used - merged.keys()),
    }
