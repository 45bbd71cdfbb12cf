"""The UK on a flat picture, for every page that draws a map of it (matching's gap map, the
regional maps of moderation's results and themes), drawn as SVG on the server.

The projection is equirectangular with longitudes shrunk by cos(54.5°), fine at this scale: x
grows east, y grows south, and the whole UK (Shetland and the Scilly Isles included) fits a
`MAP_WIDTH` x `MAP_HEIGHT` picture. The coastline (`map/outline.json`: the UK, the Isle of Man and,
for context, Ireland, from Natural Earth; see map/ATTRIBUTION.md) is projected the same way, so
places and coast line up. A `ViewBox` is the part of the picture a page shows.
"""

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MAP_WIDTH = 500.0
WEST, EAST, SOUTH, NORTH = -8.7, 1.9, 49.8, 60.9
_SHRINK = math.cos(math.radians(54.5))
_SCALE = MAP_WIDTH / ((EAST - WEST) * _SHRINK)
MAP_HEIGHT = (NORTH - SOUTH) * _SCALE
OUTLINE = Path(__file__).resolve().parent / "map" / "outline.json"
"""Natural Earth's UK, Isle of Man and Ireland, simplified by scripts/derive_outline.py."""
MIN_VIEW = 40.0
"""The narrowest view `view_of` gives, in picture units (about 70 km): London and its neighbours."""


def on_map(latitude: float, longitude: float) -> tuple[float, float]:
    """SVG coordinates of a place (x east, y down), in a MAP_WIDTH x MAP_HEIGHT picture."""
    x = (longitude - WEST) * _SHRINK * _SCALE
    y = (NORTH - latitude) * _SCALE
    return round(x, 1), round(y, 1)


def path_of(rings: Iterable[Sequence[Sequence[float]]]) -> str:
    """An SVG path (`d`) of closed rings of `[longitude, latitude]`, projected by `on_map`."""
    parts = []
    for ring in rings:
        xy = [on_map(latitude, longitude) for longitude, latitude in ring]
        parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in xy) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class Outline:
    """SVG paths of the UK (with the Isle of Man) and of Ireland, in the picture's projection."""

    uk: str
    ireland: str


@cache
def outline() -> Outline:
    countries = json.loads(OUTLINE.read_text(encoding="utf-8"))
    return Outline(
        uk=path_of(countries["United Kingdom"] + countries["Isle of Man"]),
        ireland=path_of(countries["Ireland"]),
    )


@dataclass(frozen=True)
class ViewBox:
    """The part of the picture shown: an SVG `viewBox`."""

    x: float
    y: float
    width: float
    height: float

    def __str__(self) -> str:
        return f"{self.x:g} {self.y:g} {self.width:g} {self.height:g}"

    @property
    def scale(self) -> float:
        """How much of the whole picture's width this view shows (1 for all of it)."""
        return self.width / MAP_WIDTH


WHOLE = ViewBox(0, 0, MAP_WIDTH, round(MAP_HEIGHT, 1))


def view_of(places: Iterable[tuple[float, float]]) -> ViewBox:
    """A view around these `(latitude, longitude)` places with a margin, at least `MIN_VIEW`
    wide and high, or the whole picture when there are none."""
    xy = [on_map(latitude, longitude) for latitude, longitude in places]
    if not xy:
        return WHOLE
    xs, ys = [x for x, _ in xy], [y for _, y in xy]
    width = max(max(xs) - min(xs), MIN_VIEW) * 1.15
    height = max(max(ys) - min(ys), MIN_VIEW) * 1.15
    middle_x, middle_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return ViewBox(
        round(middle_x - width / 2, 1),
        round(middle_y - height / 2, 1),
        round(width, 1),
        round(height, 1),
    )
