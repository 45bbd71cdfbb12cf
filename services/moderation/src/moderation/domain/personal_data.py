"""Personal data in submitted text: emails, UK phone numbers, full UK postcodes, street addresses.

Each pattern errs towards finding too much: a finding only suggests a redaction that a moderator
accepts or edits, so a false positive costs a glance and a miss could publish someone's address.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    ADDRESS = "address"
    LINK = "link"


REPLACEMENTS: dict[Kind, str] = {
    Kind.EMAIL: "[email address removed]",
    Kind.PHONE: "[phone number removed]",
    Kind.POSTCODE: "[postcode removed]",
    Kind.ADDRESS: "[address removed]",
    Kind.LINK: "[link removed]",
}

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d{1,4}\)?(?:[\s-]?\d){6,9}(?!\d)"
)
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b", flags=re.IGNORECASE
)
_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Crescent|Cres|Terrace|Way|Place|Court"
    "|Gardens|Grove|Hill|Square|Walk|Row|Mews|Parade|Rise|View|Park"
)
_NAME = r"[A-Z][\w'\u2019-]+"
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{_NAME}\s+){{1,3}}(?i:{_STREET_TYPES})\b\.?"
    rf"|\b\d{{1,4}}[A-Za-z]?,?\s+(?i:Heol|Stryd|Ffordd|Lôn|Rhodfa)(?:\s+(?:y|yr|{_NAME})){{1,3}}"
)
_LINK = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.|\b(?:javascript|data|vbscript):)[^\s<>\"']*"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|ly|me|info|wales|cymru|gov\.uk)"
    r"(?:/[^\s<>\"']*)?(?![\w@.])",
    flags=re.IGNORECASE,
)

PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.EMAIL, _EMAIL),
    (Kind.LINK, _LINK),
    (Kind.ADDRESS, _ADDRESS),
    (Kind.POSTCODE, _POSTCODE),
    (Kind.PHONE, _PHONE),
)
"""In order of precedence: an email's domain is not also a link, an address's number not a phone."""


@dataclass(frozen=True)
class Span:
    kind: Kind
    start: int
    end: int
    text: str

    @property
    def replacement(self) -> str:
        return REPLACEMENTS[self.kind]

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


def find(text: str) -> list[Span]:
    """Every email, link, address, postcode and phone number in `text`, without overlaps, in order."""
    found: list[Span] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            kept = _trimmed(match.group())
            span = Span(kind, match.start(), match.start() + len(kept), kept)
            if span.text and not any(span.overlaps(seen) for seen in found):
                found.append(span)
    return sorted(found, key=lambda span: span.start)


def _trimmed(found: str) -> str:
    """Without the sentence's punctuation after it, nor a closing bracket it did not open."""
    text = found.rstrip(".,;:!?")
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip(".,;:!?")
    return text


def redact(text: str, spans: list[Span]) -> str:
    """`text` with each span replaced by what says what was removed."""
    kept: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda s: s.start):
        kept += [text[position : span.start], span.replacement]
        position = span.end
    return "".join([*kept, text[position:]])
