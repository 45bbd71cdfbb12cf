"""Where volunteers are many and events in reach are few: the gap finder's ranking and its map.

A district's gap is `volunteers / (1 + events in reach)`: its confirmed volunteers against the
upcoming published venue events within `reach_km` of its centroid (online events are in everyone's
reach and so show no gap). The map's circles grow with volunteers and are coloured by events in
reach; the picture itself (projection, coastline, view) is the kit's (`together_kit.web.uk_map`).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from matching.domain.geo import Point, distance_km


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


def radius_for(volunteers: int) -> float:
    """Circle area grows with the number of volunteers (in units of the whole picture)."""
    return round(3 + 2 * math.sqrt(volunteers), 1)


def biggest(found: Iterable[Gap]) -> list[Gap]:
    """The gaps that are gaps: districts with volunteers and no event in reach, in rank order."""
    return [gap for gap in found if gap.volunteers > 0 and gap.events_in_reach == 0]


def colour_for(events_in_reach: int) -> str:
    if events_in_reach == 0:
        return "gap-none"
    return "gap-few" if events_in_reach < 3 else "gap-some"
