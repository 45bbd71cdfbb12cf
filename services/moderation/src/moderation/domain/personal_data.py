"""Personal data in submitted text: emails, UK phone numbers, full UK postcodes, street addresses.

Each pattern errs towards finding too much: a finding only suggests a redaction that a moderator
accepts or edits, so a false positive costs a glance and a miss could publish someone's address.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import re2


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


class Pattern:
    """One kind's pattern, run by RE2: linear in the text's length whatever the text.

    Python's `re` backtracks, and a crafted text could make some of these patterns hold up the
    event loop (ADR 0009). RE2 has no lookarounds, so Python's `(?<!x)` before and `(?!x)` after
    are spelled out: the pattern consumes the character before the finding (or starts at the
    text's start) and the one after it (or ends at the text's end), and the finding itself is
    the pattern's first group that took part. Python's `\\w`, `\\d`, `\\s`
    and `\\b` are Unicode-aware and RE2's are ASCII-only, so they are spelled out as classes.
    What is found is what the same patterns in Python's `re` find (tests/unit/test_screening.py
    checks them against each other).
    """

    def __init__(self, regex: str, *, looks_behind: bool) -> None:
        self.regex = re2.compile(regex)
        self.groups = range(1, self.regex.groups + 1)
        self.looks_behind = looks_behind
        """The character before a finding is part of the match: after a finding, the next
        search starts at its last character, so it can be the one before the next."""

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Each finding's (start, end) in `text`, left to right, as `re.finditer` would."""
        data = text.encode("utf-8", "surrogatepass")
        chars = _CharOffsets(data, ascii_only=text.isascii())
        position = 0
        while (match := self.regex.search(data, position)) is not None:
            start, end = next(
                (span for span in map(match.span, self.groups) if span[0] >= 0), match.span()
            )
            yield chars.of(start), chars.of(end)
            position = max(_last_character(data, end), 1) if self.looks_behind else end


class _CharOffsets:
    """Character offsets for ascending byte offsets into UTF-8 `data`, in one pass."""

    def __init__(self, data: bytes, *, ascii_only: bool) -> None:
        self.data = data
        self.ascii_only = ascii_only
        self.byte = 0
        self.char = 0

    def of(self, byte: int) -> int:
        if self.ascii_only:
            return byte
        self.char += len(self.data[self.byte : byte].decode("utf-8", "surrogatepass"))
        self.byte = byte
        return self.char


def _last_character(data: bytes, end: int) -> int:
    """Where the character that ends at byte `end` starts."""
    start = end - 1
    while start > 0 and data[start] & 0xC0 == 0x80:
        start -= 1
    return start


_W = r"\pL\pN_"
"""Python's `\\w` (letters, numbers and the underscore), to go inside a class."""
_D = r"\p{Nd}"
"""Python's `\\d` (any decimal digit), to go inside a class."""
_S = r"\t-\r\x{1c}-\x{1f}\x{85}\pZ"
"""Python's `\\s` (what `str.isspace` calls space), to go inside a class."""
_AFTER_NON_WORD = rf"(?:^|[^{_W}])"
"""Python's `\\b` before a word character."""
_BEFORE_NON_WORD = rf"(?:[^{_W}]|\z)"
"""Python's `\\b` after a word character."""

_EMAIL = Pattern(rf"([{_W}.+%-]+@[{_W}-]+(?:\.[{_W}-]+)*\.[A-Za-z]{{2,}})", looks_behind=False)
_PHONE = Pattern(
    rf"(?:^|[^{_W}+])"
    rf"((?:(?:\+|00)44[{_S}-]?(?:\(0\)[{_S}-]?)?|\(?0)[{_D}]{{1,4}}\)?(?:[{_S}-]?[{_D}]){{6,9}})"
    rf"(?:[^{_D}]|\z)",
    looks_behind=True,
)
_POSTCODE = Pattern(
    rf"(?i){_AFTER_NON_WORD}"
    rf"((?:[A-Z]{{1,2}}[{_D}][A-Z{_D}]?|GIR)[{_S}]?[{_D}][ABD-HJLNP-UW-Z]{{2}}){_BEFORE_NON_WORD}",
    looks_behind=True,
)
_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Crescent|Cres|Terrace|Way|Place|Court"
    "|Gardens|Grove|Hill|Square|Walk|Row|Mews|Parade|Rise|View|Park"
)
_NAME = rf"[A-Z][{_W}'\x{{2019}}-]+"
_NUMBER = rf"[{_D}]{{1,4}}[A-Za-z]?,?[{_S}]+"
_ADDRESS = Pattern(
    rf"{_AFTER_NON_WORD}(?:"
    rf"({_NUMBER}(?:{_NAME}[{_S}]+){{1,3}}(?i:{_STREET_TYPES})){_BEFORE_NON_WORD}"
    rf"|({_NUMBER}(?i:Heol|Stryd|Ffordd|Lôn|Rhodfa)(?:[{_S}]+(?:y|yr|{_NAME})){{1,3}}))",
    looks_behind=True,
)
"""A street's number, name and type (the `.` of `St.` is left to `_trimmed`); or a Welsh one."""
_NOT_SPACE_OR_QUOTE = rf"[^{_S}<>\"']"
_DOMAIN_REST = (
    r"[a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|ly|me|info|wales|cymru|gov\.uk)"
    rf"(?:/{_NOT_SPACE_OR_QUOTE}*)?"
)
_NOT_IN_A_DOMAIN = rf"(?:[^{_W}@.]|\z)"
_LINK = Pattern(
    rf"(?i){_AFTER_NON_WORD}(?:"
    rf"((?:(?:https?|ftp)://|www\.|(?:javascript|data|vbscript):){_NOT_SPACE_OR_QUOTE}*)"
    rf"|([a-z0-9]{_DOMAIN_REST}){_NOT_IN_A_DOMAIN})"
    rf"|[{_W}](-{_DOMAIN_REST}){_NOT_IN_A_DOMAIN}",
    looks_behind=True,
)
"""A scheme, `www.` or a bare domain. Python's `\\b` before a bare domain that starts with `-`
is a word character before it, hence the last branch."""

PATTERNS: tuple[tuple[Kind, Pattern], ...] = (
    (Kind.EMAIL, _EMAIL),
    (Kind.LINK, _LINK),
    (Kind.ADDRESS, _ADDRESS),
    (Kind.POSTCODE, _POSTCODE),
    (Kind.PHONE, _PHONE),
)
"""In order of precedence: an email's domain is not also a link, an address's number not a phone."""


class Spans(Protocol):
    def spans(self, text: str) -> Iterator[tuple[int, int]]: ...


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


def find(text: str, patterns: Sequence[tuple[Kind, Spans]] = PATTERNS) -> list[Span]:
    """Every email, link, address, postcode and phone number in `text`, without overlaps, in order."""
    found: list[Span] = []
    for kind, pattern in patterns:
        for start, end in pattern.spans(text):
            kept = _trimmed(text[start:end])
            span = Span(kind, start, start + len(kept), kept)
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
