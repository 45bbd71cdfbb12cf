"""Postcodes to coordinates, behind one interface: an offline GeoNames table or postcodes.io.

The GeoNames postal-code file for Great Britain holds outward codes only (tab-separated, no header:
country, postal code, place name, three levels of admin names and codes, latitude, longitude,
accuracy); a district's centroid is the average of its rows. A full postcode is located at its
outward code's centroid. postcodes.io (self-hostable) locates full postcodes and outward codes.
Either is wrapped in `CachedGeocoder`, which keeps answers in the store (`geocode_cache`).
"""

import contextlib
import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import httpx
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from matching.domain.geo import Point
from matching.domain.postcodes import normalise, outward_code

CACHED_AT = "cached_at"
KNOWN_LIMIT = 20_000
"""Places kept in memory by `CachedGeocoder`; when full it starts again from empty."""


class UnknownPostcodeError(LookupError):
    def __init__(self, postcode: str) -> None:
        super().__init__(f"We could not find the postcode {postcode}")
        self.postcode = postcode


@dataclass(frozen=True)
class Place:
    outward_code: str
    point: Point


class Geocoder(Protocol):
    async def locate(self, postcode: str) -> Place:
        """A normalised postcode or outward code; raises `UnknownPostcodeError`."""
        ...


class GeoNamesTable:
    """Outward-code centroids from a GeoNames postal-code file, read once, when first needed
    (or by `load` at start-up, so a wrong path stops the service with a clear message)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._centroids: dict[str, Point] | None = None

    @property
    def centroids(self) -> dict[str, Point]:
        if self._centroids is None:
            self._centroids = read_centroids(self.path)
        return self._centroids

    async def load(self) -> None:
        if not self.path.is_file():
            raise GeoNamesMissingError(self.path)
        _ = self.centroids

    async def locate(self, postcode: str) -> Place:
        district = outward_code(postcode)
        point = self.centroids.get(district)
        if point is None:
            raise UnknownPostcodeError(postcode)
        return Place(district, point)


class GeoNamesMissingError(FileNotFoundError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"No GeoNames postal-code file at {path}: unset MATCHING_GEONAMES_PATH to use the "
            "district table shipped with matching, point it at a GeoNames GB.txt, or set "
            "MATCHING_GEOCODER=postcodes.io"
        )


def read_centroids(path: Path) -> dict[str, Point]:
    """The average latitude and longitude of each outward code's rows."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    with path.open(encoding="utf-8", newline="") as rows:
        for row in csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 11 or not row[9] or not row[10]:
                continue
            total = sums["".join(row[1].split()).upper()]
            total[0] += float(row[9])
            total[1] += float(row[10])
            total[2] += 1
    return {code: Point(lat / n, lon / n) for code, (lat, lon, n) in sums.items()}


class PostcodesIo:
    """postcodes.io: `/postcodes/{postcode}` for a full postcode, `/outcodes/{code}` for a district."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.transport = transport

    async def locate(self, postcode: str) -> Place:
        path = "postcodes" if " " in postcode else "outcodes"
        async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport) as client:
            response = await client.get(f"{self.base_url}/{path}/{quote(postcode)}")
        if response.status_code == httpx.codes.NOT_FOUND:
            raise UnknownPostcodeError(postcode)
        response.raise_for_status()
        result: dict[str, Any] = response.json().get("result") or {}
        if result.get("latitude") is None or result.get("longitude") is None:
            raise UnknownPostcodeError(postcode)
        district = str(result.get("outcode") or outward_code(postcode))
        return Place(district, Point(float(result["latitude"]), float(result["longitude"])))


class CachedGeocoder:
    """Answers from memory, then from `geocode_cache`; otherwise asks `source` and remembers the
    answer in both (a place does not move: outward codes are a few thousand, so memory holds the
    districts volunteers give and the postcodes of recent events).

    Unknown postcodes are not cached: a newly issued postcode becomes known to the source later.
    Each answer is kept in the store `geocode_cache_retention_days` after it was cached (its
    `cached_at`, a real date written by the insert; see together_kit.retention), then asked again.
    """

    def __init__(
        self,
        source: Geocoder,
        cache: AsyncCollection[dict[str, Any]],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.source = source
        self.cache = cache
        self.clock = clock
        self._known: dict[str, Place] = {}

    async def drop_undated(self) -> None:
        """At start-up: answers cached before they carried `cached_at` would be kept for ever."""
        await self.cache.delete_many({CACHED_AT: {"$exists": False}})

    async def locate(self, postcode: str) -> Place:
        key = normalise(postcode)
        known = self._known.get(key)
        if known is not None:
            return known
        cached = await self.cache.find_one({"_id": key})
        if cached is not None:
            place = Place(cached["outward_code"], Point(cached["latitude"], cached["longitude"]))
            self._remember(key, place)
            return place
        place = await self.source.locate(key)
        cached_place = {
            "_id": key,
            "outward_code": place.outward_code,
            "latitude": place.point.latitude,
            "longitude": place.point.longitude,
            CACHED_AT: self.clock(),
        }
        # An insert, not an upsert: the embedded store keeps a datetime written by `$set` as a
        # string (ADR 0001), and a place does not move, so another replica's answer is as good.
        with contextlib.suppress(DuplicateKeyError):
            await self.cache.insert_one(cached_place)
        self._remember(key, place)
        return place

    def _remember(self, key: str, place: Place) -> None:
        if len(self._known) >= KNOWN_LIMIT:
            self._known.clear()
        self._known[key] = place
