"""Where volunteers are many and events in reach are few: the gap finder's ranking and its map.

A district's gap is `volunteers / (1 + events in reach)`: its confirmed volunteers against the
upcoming published venue events within `reach_km` of its centroid (online events are in everyone's
reach and so show no gap). The map projects centroids onto a flat picture of Great Britain: an
equirectangular projection with longitudes shrunk by cos(54.5°), fine at this scale.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from matching.domain.geo import Point, distance_km

MAP_WIDTH = 500.0
WEST, EAST, SOUTH, NORTH = -8.2, 1.9, 49.8, 60.9
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
    """Circle area grows with the number of volunteers."""
    return round(2 + 1.5 * math.sqrt(volunteers), 1)


def colour_for(events_in_reach: int) -> str:
    if events_in_reach == 0:
        return "gap-none"
    return "gap-few" if events_in_reach < 3 else "gap-some"
