"""Distances on the Earth and the H3 grid cells that find who is near whom without a full scan.

Every located event stores its H3 cell at three resolutions (`h3_7`, `h3_5`, `h3_4`). A search
for events "within r km" picks the finest of them whose disk of cells covering r km stays small
(`search_resolution`), asks the store for events whose cell at that resolution is in the disk,
and then checks the exact distance here: the store has no `$near` on the embedded server, and the
disk is a superset of the circle. Searches made at once are read together by their regions, the
disks' parents at the coarsest resolution (`Cover.regions`), and each answered from that read.

Volunteers each have their own radius, so "whose radius reaches this event" is asked per band:
a volunteer's band is the resolution of the first of `BANDS` their radius fits. Volunteers are
filed and read by blocks of cells per band, nearest first (`nearby`).
"""

import functools
import math
from dataclasses import dataclass
from typing import NamedTuple

import h3
import h3.api.basic_int as h3_int

EARTH_RADIUS_KM = 6371.0088
RESOLUTIONS = (7, 5, 4)
"""Stored cell resolutions: about 1.4 km, 9.9 km and 26 km edges."""
_MAX_DISK_RINGS = 12
"""At most 469 cells per query: searches that would need more use a coarser resolution."""


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def distance_km(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance in kilometres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def cells(point: Point) -> dict[str, str]:
    """The point's cell at every stored resolution, as document fields."""
    return {
        f"h3_{resolution}": str(h3.latlng_to_cell(point.latitude, point.longitude, resolution))
        for resolution in RESOLUTIONS
    }


def rings_for(radius_km: float, resolution: int) -> int:
    """How many rings of cells around a centre cover `radius_km` from anywhere in that cell.

    Neighbouring cell centres are at least about 1.5 edges apart across a ring; a margin of one ring
    (and a 20 % smaller edge, for H3's distortion) covers the point's offset within its own cell.
    """
    edge = float(h3.average_hexagon_edge_length(resolution, unit="km")) * 0.8
    return math.ceil(radius_km / (1.5 * edge)) + 1


BANDS = ((15.0, 7), (60.0, 5), (100.0, 4), (200.0, 3))
"""(largest radius in km, resolution) of each radius band."""


def band_of(radius_km: float) -> int:
    return next((resolution for limit, resolution in BANDS if radius_km <= limit), BANDS[-1][1])


def search_resolution(radius_km: float) -> int:
    for resolution in RESOLUTIONS:
        if rings_for(radius_km, resolution) <= _MAX_DISK_RINGS:
            return resolution
    return RESOLUTIONS[-1]


class Cover(NamedTuple):
    """The cells that together cover a circle, as a read for events asks for them."""

    field: str
    """The document field of their resolution (`search_resolution`)."""
    cells: frozenset[str]


COARSEST = f"h3_{RESOLUTIONS[-1]}"
COVERS_KEPT = 1024
"""Covers remembered (`_cover`, `_regions`): about 20 KB each (150 cells on average), so at most
about 40 MB of matching's memory; enough for the districts and radii in use at any time."""


def covering(point: Point, radius_km: float) -> Cover:
    """The cells covering a circle of `radius_km` around point."""
    resolution = search_resolution(radius_km)
    centre = h3_int.latlng_to_cell(point.latitude, point.longitude, resolution)
    return _cover(resolution, centre, rings_for(radius_km, resolution))


@functools.lru_cache(maxsize=COVERS_KEPT)
def _cover(resolution: int, centre: int, rings: int) -> Cover:
    """Remembered: the volunteers of a district share its centroid's cell, and nearby radii the
    same number of rings. H3's integer API, each cell written as its hexadecimal string here: the
    string API's own conversion cost most of a new volunteer's search."""
    return Cover(f"h3_{resolution}", _hexadecimal(h3_int.grid_disk(centre, rings)))


def regions(point: Point, radius_km: float) -> frozenset[str]:
    """The cells at the coarsest stored resolution (`COARSEST`) that hold every point within
    `radius_km` of point: a few dozen (the whole country is about 150), where `covering` may
    name hundreds of finer ones and costs ten times as much to work out. For reads of many
    circles at once, which check the exact distance of what they find."""
    resolution = RESOLUTIONS[-1]
    centre = h3_int.latlng_to_cell(point.latitude, point.longitude, resolution)
    return _regions(centre, rings_for(radius_km, resolution))


@functools.lru_cache(maxsize=COVERS_KEPT)
def _regions(centre: int, rings: int) -> frozenset[str]:
    return _hexadecimal(h3_int.grid_disk(centre, rings))


def _hexadecimal(disk: list[int]) -> frozenset[str]:
    return frozenset(format(cell, "x") for cell in disk)
