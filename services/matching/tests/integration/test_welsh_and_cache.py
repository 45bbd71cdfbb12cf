"""Pages in Welsh; geocoding answers cached in the store."""

from typing import Any

import pytest
from matching.adapters.geocoding import CachedGeocoder
from matching.domain.geo import Point
from matching.domain.places import Place

from .conftest import Matching

pytestmark = pytest.mark.integration


async def test_the_event_form_and_its_errors_are_in_welsh(matching: Matching) -> None:
    page = await matching.http.get("/events/new", params={"lang": "cy"})
    assert page.status_code == 200
    assert '<html lang="cy">' in page.text
    assert "Rhestru digwyddiad cymunedol" in page.text
    refused = await matching.http.post("/events/new", data={"title": ""})
    assert refused.status_code == 422
    assert "Rhowch deitl y digwyddiad" in refused.text
    listed = await matching.http.get("/events")
    assert "Digwyddiadau cymunedol" in listed.text


async def test_geocoding_answers_are_cached_in_the_store_and_in_memory(matching: Matching) -> None:
    asked: list[str] = []

    class Source:
        async def locate(self, postcode: str) -> Any:
            asked.append(postcode)
            return Place("M1", Point(53.48, -2.24))

    cached = CachedGeocoder(Source(), matching.db["geocode_cache"])
    first = await cached.locate("m1 1ae")
    second = await cached.locate("M1 1AE")
    assert first == second
    assert asked == ["M1 1AE"]
    assert await matching.db["geocode_cache"].find_one({"_id": "M1 1AE"}) is not None

    restarted = CachedGeocoder(Source(), matching.db["geocode_cache"])
    assert await restarted.locate("M1 1AE") == first
    await matching.db["geocode_cache"].delete_many({})
    assert await restarted.locate("M1 1AE") == first
    assert asked == ["M1 1AE"]


async def test_the_gap_map_is_in_welsh(matching: Matching) -> None:
    page = await matching.http.get("/gaps", params={"lang": "cy"})
    assert page.status_code == 200
    assert "Lle mae angen digwyddiadau" in page.text
    assert "Where events are needed" not in page.text
    wales = await matching.http.get("/gaps", params={"lang": "cy", "area": "wales"})
    assert "Lle mae angen digwyddiadau: Cymru" in wales.text
    assert "Rhanbarthau Lloegr" in wales.text
