"""How many parts a text is sent in: GSM-7 where every character allows, UCS-2 otherwise."""

import pytest
from together_kit.dev.smsshapes import encoding, segments

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Diolch! See you on Saturday.", ("GSM-7", 1)),
        ("x" * 160, ("GSM-7", 1)),
        ("x" * 161, ("GSM-7", 2)),
        ("x" * 306, ("GSM-7", 2)),
        ("x" * 307, ("GSM-7", 3)),
        ("€" * 80, ("GSM-7", 1)),
        ("€" * 81, ("GSM-7", 2)),
        ("Croeso i'r digwyddiad yn Nhŷ Ddewi", ("UCS-2", 1)),
        ("ŵ" * 70, ("UCS-2", 1)),
        ("ŵ" * 71, ("UCS-2", 2)),
        ("ŵ" * 134, ("UCS-2", 2)),
        ("ŵ" * 135, ("UCS-2", 3)),
    ],
)
def test_segments_of_a_text(body: str, expected: tuple[str, int]) -> None:
    assert (encoding(body), segments(body)) == expected
