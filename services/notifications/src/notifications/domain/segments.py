"""How many SMS segments a text takes, as a phone network counts them (3GPP TS 23.038, 23.040).

A text made only of the GSM-7 alphabet (its basic table, plus the extension table whose characters
take two septets each: `^ { } [ ] ~ \\ | €` and form feed) fits 160 septets in one segment, or
153 per segment once split (the rest carries the header that joins them). Any other character
(a Welsh circumflex such as â or ŵ, curly quotes, an emoji) makes the whole text UCS-2: 70
UTF-16 units in one segment, 67 per segment once split. A character is never split across two
segments, so a two-septet or two-unit character may push the next segment on early.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}[]~\\|€\f")
Encoding = Literal["GSM-7", "UCS-2"]
SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class Segments:
    encoding: Encoding
    count: int
    units: int
    """Septets (GSM-7) or UTF-16 code units (UCS-2) in the whole text."""


LOOK_ALIKES = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark, the apostrophe phones type
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2026": "...",
    }
)


def plain(value: str) -> str:
    """Someone's words (an event's title, a place) in GSM-7 where a close letter exists: curly
    quotes and dashes made straight, accents the alphabet lacks dropped (Gŵyl -> Gwyl), so one
    such letter does not halve what the text may hold. Characters with no close letter stay."""
    value = value.translate(LOOK_ALIKES)
    if is_gsm7(value):
        return value
    return "".join(_nearest(character) for character in value)


def _nearest(character: str) -> str:
    if character in GSM_BASIC or character in GSM_EXTENSION:
        return character
    base = unicodedata.normalize("NFKD", character)
    stripped = "".join(part for part in base if not unicodedata.combining(part))
    return stripped if stripped and is_gsm7(stripped) else character


def is_gsm7(text: str) -> bool:
    return all(character in GSM_BASIC or character in GSM_EXTENSION for character in text)


def segments(text: str) -> Segments:
    """The encoding a phone network would send `text` in, and how many segments it takes."""
    encoding: Encoding = "GSM-7" if is_gsm7(text) else "UCS-2"
    costs = [_cost(character, encoding) for character in text]
    units = sum(costs)
    if units <= SINGLE[encoding]:
        return Segments(encoding, 1 if units else 0, units)
    return Segments(encoding, _packed(costs, PART[encoding]), units)


def _cost(character: str, encoding: Encoding) -> int:
    if encoding == "GSM-7":
        return 2 if character in GSM_EXTENSION else 1
    return 2 if ord(character) > 0xFFFF else 1


def _packed(costs: Iterable[int], size: int) -> int:
    """Segments of `size` filled in order, no character split between two."""
    count, room = 1, size
    for cost in costs:
        if cost > room:
            count, room = count + 1, size
        room -= cost
    return count
