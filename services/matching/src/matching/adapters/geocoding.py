"""Postcodes to coordinates, behind one interface: an offline GeoNames table or postcodes.io.

The GeoNames table is the kit's district table (`together_kit.districts`, the one signups checks
postcodes against) or a full GeoNames GB.txt read the same way; a full postcode is located at its
outward code's centroid, and a district the table lacks at the nearest known district of its area
(logged as `postcode.district_fallback`, once per district). postcodes.io (self-hostable) locates
full postcodes and outward codes; what it does not know falls back to the district table, so a
postcode signups accepted is always located. postcodes.io's answers are kept in the store
(`CachedGeocoder`, `geocode_cache`); the table, in memory already, is asked directly.
"""

import csv
import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import structlog
from pymongo.asynchronous.collection import AsyncCollection
from together_kit.districts import FALLBACK_EVENT, DistrictTable, normalise, outward_code
from together_kit.grouping import GroupWrite, insert_each

from matching.domain.areas import Locality, areas_of
from matching.domain.geo import Point
from matching.domain.places import Geocoder, Place, UnknownPostcodeError

log = structlog.get_logger("matching.geocoding")
CACHED_AT = "cached_at"
KNOWN_LIMIT = 20_000
"""Places kept in memory by `CachedGeocoder`; when full it starts again from empty."""


class GeoNamesTable:
    """Outward-code centroids from a GeoNames postal-code file, read once, when first needed
    (or by `load` at start-up, so a wrong path stops the service with a clear message)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._table: DistrictTable | None = None
        self._centroids: dict[str, Point] | None = None
        self._localities: dict[str, Locality] | None = None
        self._placed: dict[str, Place] = {}

    @property
    def table(self) -> DistrictTable:
        if self._table is None:
            self._table = DistrictTable.read(self.path)
        return self._table

    @property
    def centroids(self) -> dict[str, Point]:
        if self._centroids is None:
            known = self.table.centroids.items()
            self._centroids = {code: Point(c.latitude, c.longitude) for code, c in known}
        return self._centroids

    @property
    def localities(self) -> dict[str, Locality]:
        """Each district's place name (its first row's) and the nation and region it is in."""
        if self._localities is None:
            self._localities = {}
            with self.path.open(encoding="utf-8", newline="") as rows:
                for row in csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
                    code = "".join(row[1].split()).upper() if len(row) > 5 else ""
                    if code in self.centroids and code not in self._localities:
                        areas = areas_of(row[3], row[5])
                        self._localities[code] = Locality(row[2], self.centroids[code], areas)
        return self._localities

    async def load(self) -> None:
        if not self.path.is_file():
            raise GeoNamesMissingError(self.path)
        _ = self.table

    async def locate(self, postcode: str) -> Place:
        """The outward code asked for, at its district's centroid or (logged) its nearest known
        neighbour's (a fallback is found and logged once per district)."""
        code = outward_code(postcode)
        known = self._placed.get(code)
        if known is not None:
            return known
        placed = self.table.place(code)
        if placed is None:
            raise UnknownPostcodeError(postcode)
        if placed.fallback:
            log.info(FALLBACK_EVENT, outward_code=placed.asked, district=placed.district)
        place = Place(placed.asked, Point(placed.centroid.latitude, placed.centroid.longitude))
        if len(self._placed) >= KNOWN_LIMIT:
            self._placed.clear()
        self._placed[code] = place
        return place


class GeoNamesMissingError(FileNotFoundError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"No GeoNames postal-code file at {path}: unset MATCHING_GEONAMES_PATH to use the "
            "district table shipped in together_kit.districts, point it at a GeoNames GB.txt, "
            "or set MATCHING_GEOCODER=postcodes.io"
        )


class WithDistrictFallback:
    """`source` first; a postcode it does not know is located by the district table instead."""

    def __init__(self, source: Geocoder, table: GeoNamesTable) -> None:
        self.source = source
        self.table = table

    async def locate(self, postcode: str) -> Place:
        try:
            return await self.source.locate(postcode)
        except UnknownPostcodeError:
            return await self.table.locate(postcode)


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
        self._lookups: GroupWrite[str, dict[str, Any] | None] = GroupWrite(self._cached_all)
        self._stores: GroupWrite[dict[str, Any], bool] = GroupWrite(
            functools.partial(insert_each, cache)
        )
        """Places asked for together (volunteers confirmed at once) are read and kept together."""

    async def _cached_all(self, keys: Sequence[str]) -> list[dict[str, Any] | None]:
        found = {
            document["_id"]: document
            async for document in self.cache.find({"_id": {"$in": sorted(set(keys))}})
        }
        return [found.get(key) for key in keys]

    async def drop_undated(self) -> None:
        """At start-up: answers cached before they carried `cached_at` would be kept for ever."""
        await self.cache.delete_many({CACHED_AT: {"$exists": False}})

    async def locate(self, postcode: str) -> Place:
        key = normalise(postcode)
        known = self._known.get(key)
        if known is not None:
            return known
        cached = await self._lookups(key)
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
        # An insert, not an upsert, so `cached_at` stays a real date (together_kit.stored); a
        # place does not move, so another replica's (or caller's) answer is as good.
        await self._stores(cached_place)
        self._remember(key, place)
        return place

    def _remember(self, key: str, place: Place) -> None:
        if len(self._known) >= KNOWN_LIMIT:
            self._known.clear()
        self._known[key] = place
