"""Segments as a phone network counts them: GSM-7 (160, then 153 each) or UCS-2 (70, then 67)."""

import pytest
from notifications.domain.segments import plain, segments

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "encoding", "count"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # the extension table: two septets each
        ("€" * 81, "GSM-7", 2),
        ("a" * 152 + "€" + "a" * 153, "GSM-7", 3),  # never split across two segments
        ("Diolch yn fawr, £5 @ Caerdydd", "GSM-7", 1),
        ("ŵ" + "a" * 69, "UCS-2", 1),
        ("ŵ" + "a" * 70, "UCS-2", 2),
        ("ŵ" + "a" * 133, "UCS-2", 2),
        ("ŵ" + "a" * 134, "UCS-2", 3),
        ("\U0001f600" * 35, "UCS-2", 1),  # outside the BMP: two UTF-16 units each
    ],
)
def test_segments(text: str, encoding: str, count: int) -> None:
    counted = segments(text)
    assert (counted.encoding, counted.count) == (encoding, count)


def test_plain_keeps_gsm_7_and_brings_the_rest_close() -> None:
    typed = "G\u0175yl Dewi\u2019s \u201cBig\u201d Lunch \u2013 T\u0177 Hapus\u2026"
    assert plain(typed) == 'Gwyl Dewi\'s "Big" Lunch - Ty Hapus...'
    assert plain("Café Müller £3") == "Café Müller £3"
    assert plain("数") == "数"
