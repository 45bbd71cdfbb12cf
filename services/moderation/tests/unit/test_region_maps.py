"""Maps of the nations and regions (issue 21): where each region is drawn, the agreement map's
colour scale and its hollow circles for too few votes, and each region's leading theme."""

import itertools

import pytest
from moderation.domain.regions import CENTRES, REGIONS
from moderation.domain.themes import Leading, leading_by_region
from moderation.entrypoints.web import region_map
from together_kit.web.uk_map import on_map

pytestmark = pytest.mark.unit


def same(text: str) -> str:
    return text


def test_every_region_is_drawn_inside_the_view_without_touching_another() -> None:
    assert set(CENTRES) == set(REGIONS)
    view = region_map.VIEW
    places = {region: on_map(*CENTRES[region]) for region in REGIONS}
    for x, y in places.values():
        assert view.x + region_map.RADIUS <= x <= view.x + view.width - region_map.RADIUS
        assert view.y + region_map.RADIUS <= y <= view.y + view.height - region_map.RADIUS
    for (x1, y1), (x2, y2) in itertools.combinations(places.values(), 2):
        assert (x1 - x2) ** 2 + (y1 - y2) ** 2 > (2 * region_map.RADIUS) ** 2
    assert places["London"][0] > places["Wales"][0]
    assert places["Scotland"][1] < places["North East"][1] < places["London"][1]


def test_agreement_is_coloured_darker_where_more_agree() -> None:
    fills = [region_map.agreement_colour(share)[0] for share in (0, 0.19, 0.2, 0.5, 0.79, 1.0)]
    scale = [fill for fill, _ in region_map.AGREEMENT_SCALE]
    assert fills == [scale[0], scale[0], scale[1], scale[2], scale[3], scale[4]]
    assert region_map.agreement_colour(1.0)[1] == "#ffffff"  # white on the darkest blue
    assert region_map.agreement_colour(0.0)[1] == "#0b0c0c"


def test_regions_with_too_few_votes_are_hollow_and_say_so() -> None:
    bubbles = region_map.agreement_bubbles(
        {"Wales": {"agree": 0.75, "votes": 8}, "London": {"agree": 0.0, "votes": 4}},
        translate=same,
    )
    assert [bubble.region for bubble in bubbles] == list(REGIONS)
    by_region = {bubble.region: bubble for bubble in bubbles}
    wales = by_region["Wales"]
    assert (wales.text, wales.fill) == ("75%", region_map.AGREEMENT_SCALE[3][0])
    assert wales.title == "Wales: 75% agree (8 votes)"
    assert by_region["London"].text == "0%"
    scotland = by_region["Scotland"]
    assert (scotland.fill, scotland.text) == (None, region_map.DASH)
    assert scotland.said == "fewer than 3 votes"
    key = region_map.agreement_key(translate=same)
    ranges = ["0-19%", "20-39%", "40-59%", "60-79%", "80-100%"]
    shown = [entry.text.replace(region_map.DASH, "-") for entry in key]
    assert shown == [*ranges, "fewer than 3 votes"]
    assert key[-1].fill is None


def test_each_region_is_led_by_the_theme_most_of_its_stories_are_in() -> None:
    leading, left_out = leading_by_region(
        {
            1: {"Wales": 3, "London": 1, "CF10": 2},
            2: {"Wales": 1, "London": 1, "Scotland": 2, "M1": 1},
        }
    )
    assert leading == [
        Leading("Wales", 1, 3, 4),
        Leading("Scotland", 2, 2, 2),
        Leading("London", 1, 1, 2),  # a tie goes to the larger theme
    ]
    assert left_out == 3  # the districts are not placed in a region
    assert leading[0].share == 0.75
    assert leading_by_region({}) == ([], 0)


def test_the_themes_map_names_only_the_themes_that_lead_somewhere() -> None:
    themes = [
        {
            "number": 1,
            "terms": ["allotment", "tomatoes", "beans", "garden"],
            "regions": {"Wales": 2},
        },
        {"number": 2, "terms": ["choir"], "regions": {"Wales": 1, "CF10": 1}},
    ]
    drawn = region_map.themes_map(themes, translate=same)
    [wales] = drawn.bubbles
    assert (wales.text, wales.fill) == ("1", region_map.theme_colour(1)[0])
    assert wales.said == "Theme 1: 2 of 3 stories"
    assert [entry.text for entry in drawn.key] == ["Theme 1: allotment, tomatoes, beans"]
    assert drawn.left_out == 1
