"""Postcode districts: where a UK postcode's outward code is, from the one table every service uses.

Signups accepts a postcode only when `place` finds its district, and matching locates volunteers
and events with the same rule, so a postcode that is accepted is always matched.

The table (`districts.tsv`, shipped here; CC BY 4.0 © GeoNames, see ATTRIBUTION.md) is in the
GeoNames postal-code format: tab-separated, no header, the outward code in the second column and
latitude and longitude in the tenth and eleventh. A full GeoNames GB.txt reads the same way; a
district's centroid is the average of its rows.

`place` answers an outward code the table holds exactly. A well-formed outward code whose area (its
letters, "ZE" of "ZE9") is in the table but whose district is not is placed at the nearest known
district of that area: the closest district number, ties to the lower, the plain district before
its lettered sub-districts ("EC1" before "EC1A"). The answer is then flagged `fallback`, for the
caller to log (`postcode.district_fallback`, outward codes only). An area not in the table is
not placed at all.
"""

import csv
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from together_contracts.postcodes import INWARD_PATTERN, OUTWARD_PATTERN

SHIPPED = Path(__file__).resolve().parent / "districts.tsv"
"""The district table shipped with the kit (derived by scripts/derive_districts.py)."""
FALLBACK_EVENT = "postcode.district_fallback"
"""The log event of a district placed at its nearest known neighbour."""

_POSTCODE = re.compile(f"(?P<outward>{OUTWARD_PATTERN})(?P<inward>{INWARD_PATTERN})?")
_PARTS = re.compile("(?P<area>[A-Z]{1,2})(?P<number>[0-9]{1,2})(?P<letter>[A-Z]?)")
_DISTRICT_OF_AREA = {1: "[0-9]{1,2}|[0-9][ABCDEFGHJKPSTUW]", 2: "[0-9]{1,2}|[0-9][ABEHMNPRVWXY]"}
"""What follows an area of one or two letters in a well-formed outward code (`OUTWARD_PATTERN`)."""


class InvalidPostcodeError(ValueError):
    """A `ValueError`, so a pydantic validator that raises it reports a field error."""

    def __init__(self) -> None:
        super().__init__("Enter a real UK postcode, like SW1A 1AA, or its first part, like SW1A")


def normalise(raw: str) -> str:
    """`" m11ae "` becomes `"M1 1AE"`; an outward code alone (`"m1"`) becomes `"M1"`."""
    compact = "".join(raw.split()).upper()
    match = _POSTCODE.fullmatch(compact)
    if match is None:
        raise InvalidPostcodeError
    return f"{match['outward']} {match['inward']}" if match["inward"] else match["outward"]


def outward_code(postcode: str) -> str:
    """The district part of a postcode or outward code: `"cf10 1aa"` gives `"CF10"`."""
    return normalise(postcode).partition(" ")[0]


@dataclass(frozen=True)
class Centroid:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Placed:
    """Where an outward code is: `district` is the known district whose centroid it takes,
    `asked` the outward code asked for; they differ only on a fallback."""

    asked: str
    district: str
    centroid: Centroid

    @property
    def fallback(self) -> bool:
        return self.asked != self.district


def _parts(code: str) -> tuple[str, int, str] | None:
    match = _PARTS.fullmatch(code)
    if match is None:
        return None
    return match["area"], int(match["number"]), match["letter"]


class DistrictTable:
    """Outward codes and their centroids, grouped by area for the nearest-district fallback."""

    def __init__(self, centroids: Mapping[str, Centroid]) -> None:
        self.centroids: Mapping[str, Centroid] = dict(centroids)
        self._areas: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for code in self.centroids:
            if parts := _parts(code):
                area, number, letter = parts
                self._areas[area].append((number, letter, code))

    def outward_pattern(self) -> str:
        """A regular expression (unanchored, capitals, no spaces) of exactly the well-formed
        outward codes `place` places: any district of an area the table knows."""
        areas = sorted(a for a in self._areas if _POSTCODE.fullmatch(f"{a}1"))
        alternatives = [
            f"(?:{'|'.join(a for a in areas if len(a) == size)})(?:{district})"
            for size, district in _DISTRICT_OF_AREA.items()
        ]
        return "|".join(alternatives)

    @classmethod
    def read(cls, path: Path) -> "DistrictTable":
        return cls(read_centroids(path))

    def place(self, outward: str) -> Placed | None:
        """The district an outward code is placed at, or `None` when it cannot be placed."""
        code = "".join(outward.split()).upper()
        if (centroid := self.centroids.get(code)) is not None:
            return Placed(code, code, centroid)
        if _POSTCODE.fullmatch(code) is None or (parts := _parts(code)) is None:
            return None
        area, number, _ = parts
        known = self._areas.get(area)
        if not known:
            return None
        _, _, nearest = min(known, key=lambda k: (abs(k[0] - number), k[0], k[1] != "", k[1]))
        return Placed(code, nearest, self.centroids[nearest])


def read_centroids(path: Path) -> dict[str, Centroid]:
    """The average latitude and longitude of each outward code's rows in a GeoNames file."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    with path.open(encoding="utf-8", newline="") as rows:
        for row in csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 11 or not row[9] or not row[10]:
                continue
            total = sums["".join(row[1].split()).upper()]
            total[0] += float(row[9])
            total[1] += float(row[10])
            total[2] += 1
    return {code: Centroid(lat / n, lon / n) for code, (lat, lon, n) in sums.items()}


@cache
def shipped() -> DistrictTable:
    """The shipped table, read once per process, when first needed."""
    return DistrictTable.read(SHIPPED)


def place(outward: str) -> Placed | None:
    """`shipped().place(outward)`."""
    return shipped().place(outward)


@cache
def _nations() -> dict[str, str]:
    with SHIPPED.open(encoding="utf-8", newline="") as rows:
        table = csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {row[1].strip().upper(): row[3].strip() for row in table if len(row) > 3}


def nation(outward: str) -> str | None:
    """The nation (England, Scotland, Wales, Northern Ireland) of the district `place` finds for
    an outward code, from the table's fourth column; None where it places none."""
    placed = place(outward)
    return (_nations().get(placed.district) or None) if placed else None
