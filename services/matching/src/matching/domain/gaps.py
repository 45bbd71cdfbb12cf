"""Where volunteers are many and events in reach are few: the gap finder's ranking and its map.

A district's gap is `volunteers / (1 + events in reach)`: its confirmed volunteers against the
upcoming published venue events within `reach_km` of its centroid (online events are in everyone's
reach and so show no gap). The map projects centroids, and the outline of the UK, onto a flat
picture: an equirectangular projection with longitudes shrunk by cos(54.5°), fine at this scale.
A view of the picture (`ViewBox`) zooms it to the districts of one nation or region.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matching.domain.geo import Point, distance_km

MAP_WIDTH = 500.0
WEST, EAST, SOUTH, NORTH = -8.7, 1.9, 49.8, 60.9
_SHRINK = math.cos(math.radians(54.5))
_SCALE = MAP_WIDTH / ((EAST - WEST) * _SHRINK)
MAP_HEIGHT = (NORTH - SOUTH) * _SCALE


@dataclass(frozen=True)
class District:
    outward_code: str
    volunteers: int
    centroid: Point


@dataclass(frozen=True)
class Gap:
    outward_code: str
    volunteers: int
    events_in_reach: int
    centroid: Point

    @property
    def score(self) -> float:
        return self.volunteers / (1 + self.events_in_reach)


def gaps(districts: Iterable[District], venues: list[Point], *, reach_km: float) -> list[Gap]:
    """Every district with volunteers, largest gap first (ties: more volunteers, then by code)."""
    found = [
        Gap(
            district.outward_code,
            district.volunteers,
            sum(1 for venue in venues if distance_km(district.centroid, venue) <= reach_km),
            district.centroid,
        )
        for district in districts
        if district.volunteers > 0
    ]
    return sorted(found, key=lambda gap: (-gap.score, -gap.volunteers, gap.outward_code))


def on_map(point: Point) -> tuple[float, float]:
    """SVG coordinates of a point (x east, y down), in a MAP_WIDTH x MAP_HEIGHT picture."""
    x = (point.longitude - WEST) * _SHRINK * _SCALE
    y = (NORTH - point.latitude) * _SCALE
    return round(x, 1), round(y, 1)


def radius_for(volunteers: int) -> float:
    """Circle area grows with the number of volunteers (in units of the whole picture)."""
    return round(3 + 2 * math.sqrt(volunteers), 1)


def biggest(found: Iterable[Gap]) -> list[Gap]:
    """The gaps that are gaps: districts with volunteers and no event in reach, in rank order."""
    return [gap for gap in found if gap.volunteers > 0 and gap.events_in_reach == 0]


def path_of(rings: Iterable[Sequence[Sequence[float]]]) -> str:
    """An SVG path (`d`) of closed rings of `[longitude, latitude]`, projected by `on_map`."""
    parts = []
    for ring in rings:
        xy = [on_map(Point(latitude, longitude)) for longitude, latitude in ring]
        parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in xy) + "Z")
    return "".join(parts)


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
MIN_VIEW = 40.0
"""The narrowest view, in picture units (about 70 km): London and its neighbours."""


def view_of(points: Iterable[Point]) -> ViewBox:
    """A view around these points with a margin, or the whole picture when there are none."""
    xy = [on_map(point) for point in points]
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


def colour_for(events_in_reach: int) -> str:
    if events_in_reach == 0:
        return "gap-none"
    return "gap-few" if events_in_reach < 3 else "gap-some"
