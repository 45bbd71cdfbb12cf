"""Screening cannot be used to stall the service: its patterns run on RE2, in time linear in the
text, and find what the backtracking `re` patterns they replace found.

A 5,000-character `a-a-a-…` took about a second of the event loop with `re`; here the engine is
checked rather than the clock, and the findings are checked against the old patterns (kept below
as the oracle) on generated texts made of the pieces those patterns look for.
"""

import re
from collections.abc import Iterator

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st
from moderation.domain import personal_data
from moderation.domain.personal_data import Kind
from moderation.domain.screening import screen

pytestmark = pytest.mark.unit


class PythonPattern:
    """One of the patterns as they were, run by Python's backtracking `re`."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        return (match.span() for match in self.pattern.finditer(text))


_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Crescent|Cres|Terrace|Way|Place|Court"
    "|Gardens|Grove|Hill|Square|Walk|Row|Mews|Parade|Rise|View|Park"
)
_NAME = r"[A-Z][\w'\u2019-]+"
ORACLE = (
    (Kind.EMAIL, re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")),
    (
        Kind.LINK,
        re.compile(
            r"(?:\b(?:https?|ftp)://|\bwww\.|\b(?:javascript|data|vbscript):)[^\s<>\"']*"
            r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|io|ly|me|info|wales|cymru|gov\.uk)"
            r"(?:/[^\s<>\"']*)?(?![\w@.])",
            flags=re.IGNORECASE,
        ),
    ),
    (
        Kind.ADDRESS,
        re.compile(
            rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{_NAME}\s+){{1,3}}(?i:{_STREET_TYPES})\b\.?"
            rf"|\b\d{{1,4}}[A-Za-z]?,?\s+(?i:Heol|Stryd|Ffordd|Lôn|Rhodfa)(?:\s+(?:y|yr|{_NAME})){{1,3}}"
        ),
    ),
    (
        Kind.POSTCODE,
        re.compile(
            r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b", flags=re.IGNORECASE
        ),
    ),
    (
        Kind.PHONE,
        re.compile(
            r"(?<![\w+])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d{1,4}\)?(?:[\s-]?\d){6,9}(?!\d)"
        ),
    ),
)
PYTHON_PATTERNS = tuple((kind, PythonPattern(pattern)) for kind, pattern in ORACLE)

PIECES = [
    *"aZé_-.@+%()/:,;'\"<>\u2019 \t\n\u00a0\u2003\u0663²x0123456789",
    "12",
    "3b",
    "07700",
    "900982",
    "0161",
    "+44",
    "0044",
    "(0)",
    "029",
    "44",
    "Acacia",
    "Queen",
    "O\u2019Neil",
    "Street",
    "St",
    "st",
    "Road",
    "Heol",
    "Lôn",
    "y",
    "yr",
    "CF10",
    "1AA",
    "SW1A",
    "M1",
    "GIR",
    "0AA",
    "1AE",
    "ann",
    "example",
    ".com",
    ".org",
    ".co",
    ".uk",
    ".gov.uk",
    ".wales",
    "www.",
    "http://",
    "https://",
    "javascript:",
    "data:",
    "ftp://",
    "mail",
]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def test_every_pattern_runs_on_re2() -> None:
    for _kind, pattern in personal_data.PATTERNS:
        assert isinstance(pattern, personal_data.Pattern)
        assert isinstance(pattern.regex, re2._Regexp)


@settings(max_examples=1500, deadline=None)
@given(texts)
def test_re2_finds_what_the_python_patterns_found(text: str) -> None:
    assert personal_data.find(text) == personal_data.find(text, PYTHON_PATTERNS)


@pytest.mark.parametrize(
    "text",
    [
        "Call 07700 900982 or 07700 900983, at 12 Acacia Avenue CF10 1AA.",
        "see -x.com, a-b.org/path?q=1 and x@y.com.au then www.a.io",
        "flat 3b Queen Street.12 Heol yr Ysgol, 5 O\u2019Neil\u2019s Lôn y Bont",
        "ann@example.org.example.com sw1a1aa07700900982 +44 (0)29 2000 0000",
        "café 12\u00a0High\u00a0Street and ٣٣ Heol y Dre, M1 1AE² x-ray.co.uk",
        "",
    ],
)
def test_the_same_findings_on_hand_made_texts(text: str) -> None:
    assert personal_data.find(text) == personal_data.find(text, PYTHON_PATTERNS)


@pytest.mark.parametrize(
    "text",
    ["a-" * 2500, "a." * 2500, "x." * 2500 + "@", "0" * 5000, "A " * 2500, "1 Ab St " * 625],
)
def test_adversarial_texts_of_5000_characters_are_screened(text: str) -> None:
    result = screen(title=text[:200], text=text)

    assert result.sketch is not None
    assert len(personal_data.find(text)) in {0, 625}


def test_a_lone_surrogate_is_screened_too() -> None:
    text = "call 07700 900982 \ud800 or ann@example.org"

    assert [span.text for span in personal_data.find(text)] == [
        "07700 900982",
        "ann@example.org",
    ]
