"""The check that a Welsh page has no English left (together_kit.testing.welsh)."""

import pytest
from together_kit.testing.welsh import english_left

pytestmark = pytest.mark.unit

ENTRIES = {
    "together": "gyda'n gilydd",
    "My together": "Fy together",
    "Sign in to My together": "Mewngofnodi i Fy together",
    "Find events near %(place)s": "Dod o hyd i ddigwyddiadau ger %(place)s",
}


def test_english_outside_the_welsh_is_found() -> None:
    page = "<html><body><p>Fy together</p><p>Find events near Cardiff</p></body></html>"
    assert english_left(page, ENTRIES) == ["Find events near %(place)s"]
    assert english_left("<p>together we stand</p>", ENTRIES) == ["together"]


def test_an_english_word_that_welsh_keeps_on_purpose_is_not_english_left() -> None:
    page = (
        "<html><head><title>Mewngofnodi i Fy together | gyda'n gilydd</title></head>"
        "<body><nav><a>Fy together</a></nav><p lang='en'>together</p></body></html>"
    )
    assert english_left(page, ENTRIES) == []
