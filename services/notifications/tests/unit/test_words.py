"""Codes other services send reach people as words, in their language."""

import pytest
from notifications.adapters.rendering import Renderer, Words
from together_contracts.matches import MatchReasons

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("language", "said"), [("en", "Park tidy, "), ("cy", "Park tidy, ")])
def test_a_nearest_event_in_the_same_district_is_in_your_area(language: str, said: str) -> None:
    nearest = [{"title": "Park tidy", "when": "soon", "distance_km": "0", "nearby": True}]
    context = {"name": "Ann", "nearest": nearest, "connector": False}
    context |= {"unsubscribe_url": "https://links.example/stop", "my_url": ""}
    text = Renderer().render("volunteer_unmatched", language=language, context=context).text

    area = "(in your area)" if language == "en" else "(yn eich ardal chi)"
    assert f"{said}soon {area}" in text
    assert "0 km" not in text


def test_a_rejection_and_match_reasons_are_words_in_welsh() -> None:
    words = Words()
    why = MatchReasons(distance_km=3.04, interests=["sport"], slot=None)  # type: ignore[list-item]

    assert words.rejection("spam", "cy") == "Roedd yn edrych fel sbam"
    assert words.rejection("a-newer-code", "en") == "a-newer-code"
    assert words.rejection(None, "en") == ""
    assert words.match_reasons(why, "cy") == ["3.0 km oddi wrthych", "Rydych yn hoffi: Chwaraeon"]
