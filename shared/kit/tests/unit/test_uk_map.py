"""The UK on a flat picture: the projection, the coastline shipped with the kit, and views."""

import re
from importlib.resources import files

import pytest
from together_kit.web.uk_map import (
    MAP_HEIGHT,
    MAP_WIDTH,
    MIN_VIEW,
    WHOLE,
    on_map,
    outline,
    path_of,
    view_of,
)

pytestmark = pytest.mark.unit

CARDIFF = (51.48, -3.18)
LONDON = (51.51, -0.13)
EDINBURGH = (55.95, -3.19)
BANGOR = (53.23, -4.13)


def test_the_uk_fits_the_picture_north_up() -> None:
    for place in ((49.9, -6.3), (60.8, -0.8), (52.5, 1.75), (54.5, -8.2), LONDON):
        x, y = on_map(*place)
        assert 0 <= x <= WHOLE.width
        assert 0 <= y <= WHOLE.height
    assert on_map(60, -1)[1] < on_map(50, -1)[1]
    assert WHOLE.width == MAP_WIDTH
    assert WHOLE.height == pytest.approx(MAP_HEIGHT, abs=0.1)


def test_london_is_east_of_cardiff_and_south_of_edinburgh() -> None:
    london, cardiff, edinburgh = on_map(*LONDON), on_map(*CARDIFF), on_map(*EDINBURGH)
    assert london[0] > cardiff[0]
    assert london[1] > edinburgh[1]
    assert cardiff[0] == pytest.approx(edinburgh[0], abs=1)  # both near 3.2° west


def test_a_view_zooms_to_its_places_and_the_outline_is_projected_like_them() -> None:
    view = view_of([CARDIFF, BANGOR])
    assert view.width < WHOLE.width / 2
    for place in (CARDIFF, BANGOR):
        x, y = on_map(*place)
        assert view.x <= x <= view.x + view.width
        assert view.y <= y <= view.y + view.height
    assert view_of([]) == WHOLE
    assert view_of([CARDIFF]).width >= MIN_VIEW
    assert str(WHOLE) == f"0 0 500 {WHOLE.height:g}"
    x, y = on_map(*CARDIFF)
    assert path_of([[[-3.18, 51.48], [-3.0, 51.5], [-3.1, 51.6]]]).startswith(f"M{x:g} {y:g}L")


def test_the_coastline_ships_with_the_kit_and_stays_in_the_picture() -> None:
    assert files("together_kit.web").joinpath("map/outline.json").is_file()
    drawn = outline()
    numbers = [float(n) for n in re.findall(r"-?[0-9.]+", drawn.uk)]
    assert len(drawn.uk.split("L")) > 200
    assert all(-1 <= n <= WHOLE.height + 1 for n in numbers)
    assert drawn.ireland.startswith("M")
