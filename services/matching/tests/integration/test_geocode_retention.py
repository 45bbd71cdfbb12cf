"""Geocoded postcodes (an event's full postcode among them) are kept in the store for
`geocode_cache_retention_days`, then asked again."""

from datetime import datetime

import pytest
from matching.settings import Settings
from together_kit.testing.retention import ids, ttl_seconds
from together_kit.testing.waiting import eventually

from .conftest import OutsideSource, StartMatching

pytestmark = pytest.mark.integration


async def test_a_geocoded_postcode_is_forgotten_after_its_retention(
    start_matching: StartMatching,
) -> None:
    async with start_matching(OutsideSource(), retention_sweep_seconds=0.2) as matching:
        cache = matching.db["geocode_cache"]
        await matching.ctx.geocoder.locate("M1 1AE")
        [cached] = [entry async for entry in cache.find({})]
        assert cached["_id"] == "M1 1AE"
        assert isinstance(cached["cached_at"], datetime), "a real date, which a TTL index needs"

        matching.clock.advance(days=31)
        await eventually(
            lambda: ids(cache), until=lambda left: left == [], what="the cached postcode swept"
        )
        assert await ttl_seconds(cache, "cached_at") == 30 * 86_400, "MongoDB's own TTL index"
    assert Settings().geocode_cache_retention_days == 30.0


async def test_answers_cached_before_they_were_dated_are_dropped_at_start(
    start_matching: StartMatching,
) -> None:
    legacy = {"_id": "M1 1AE", "outward_code": "M1", "latitude": 53.48, "longitude": -2.24}
    async with start_matching(OutsideSource()) as matching:
        await matching.db["geocode_cache"].insert_one(legacy)
    async with start_matching(OutsideSource()) as matching:
        assert await ids(matching.db["geocode_cache"]) == []
        place = await matching.ctx.geocoder.locate("M1 1AE")
        assert place.outward_code == "M1"
