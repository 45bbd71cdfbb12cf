"""Synthetic people, spread over the real GB outward codes, reproducible from a seed.

The outward codes and their centroids come from the GeoNames postal-code file that matching reads
(`MATCHING_GEONAMES_PATH`, the same setting, by path; never copied into the repository). Each
district is drawn with a weight of its number of GeoNames rows (places in it), a rough stand-in
for where people live.
"""

import random
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matching.adapters.geocoding import GeoNamesTable
from matching.domain.geo import Point
from matching.settings import Settings as MatchingSettings
from signups.domain.postcodes import InvalidPostcodeError, normalise_postcode
from together_contracts import Availability, Interest

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
RADII_KM = (2, 5, 5, 10, 10, 10, 15, 20, 30, 50, 100)
"""Travel radii drawn uniformly from this list: mostly local, a few far-travelling."""
INTERESTS = tuple(Interest)
AVAILABILITY = tuple(Availability)


def geonames_path() -> Path:
    """Matching's own setting (`MATCHING_GEONAMES_PATH`, default: the district table matching ships)."""
    return MatchingSettings().geonames_path


@dataclass(frozen=True)
class District:
    code: str
    point: Point
    weight: int


def districts(path: Path) -> list[District]:
    rows: Counter[str] = Counter()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split("\t")
            if len(parts) > 1:
                rows["".join(parts[1].split()).upper()] += 1
    found = []
    for code, point in sorted(GeoNamesTable(path).centroids.items()):
        try:
            normalise_postcode(f"{code} 1AA")
        except InvalidPostcodeError:
            continue
        found.append(District(code, point, rows[code]))
    return found


class Population:
    """Draws people and places; the same seed gives the same people in the same order."""

    def __init__(self, path: Path, *, seed: int) -> None:
        self.districts = districts(path)
        self.rng = random.Random(seed)  # noqa: S311 (synthetic people, not secrets)
        self._weights = [float(d.weight) for d in self.districts]

    def district(self) -> District:
        return self.rng.choices(self.districts, weights=self._weights)[0]

    def districts_batch(self, count: int) -> list[District]:
        return self.rng.choices(self.districts, weights=self._weights, k=count)

    def postcode(self, district: District) -> str:
        letters = "".join(self.rng.choices(INWARD_LETTERS, k=2))
        return f"{district.code} {self.rng.randrange(10)}{letters}"

    def interests(self) -> list[str]:
        return [str(i) for i in self.rng.sample(INTERESTS, self.rng.randint(1, 3))]

    def availability(self) -> list[str]:
        return [str(a) for a in self.rng.sample(AVAILABILITY, self.rng.randint(0, 2))]

    def radius(self) -> int:
        return self.rng.choice(RADII_KM)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def signup(self, n: int, *, run: str) -> dict[str, Any]:
        """A body for POST /api/v1/signups; `run` keeps emails unique across runs."""
        district = self.district()
        return {
            "name": f"Bench Volunteer {n}",
            "email": f"v{n}.{run}@bench.example.org",
            "postcode": self.postcode(district),
            "interests": self.interests(),
            "availability": self.availability(),
            "travel_radius_km": self.radius(),
            "language": "cy" if self.rng.random() < 0.05 else "en",
            "consent_matched_events": True,
        }

    def signups(self, count: int, *, run: str) -> Iterator[dict[str, Any]]:
        for n in range(count):
            yield self.signup(n, run=run)
