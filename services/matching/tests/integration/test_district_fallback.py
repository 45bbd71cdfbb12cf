"""A postcode signups accepts is always matched: a real district missing from the shared table
("ZE9", which signups accepts at its nearest known district) is placed there, on the real broker
and store, for volunteers (from signups' `volunteer.confirmed`) and for events alike."""

import pytest
from together_kit import districts
from together_kit.testing.probe import EventProbe

from .conftest import Matching, seen

pytestmark = pytest.mark.integration


async def test_a_volunteer_in_a_district_missing_from_the_table_is_placed_and_matched(
    matching: Matching, probe: EventProbe
) -> None:
    placed = districts.place("ZE9")
    assert placed is not None
    assert placed.fallback
    created = await matching.submit(postcode=f"{placed.district} 9AA", title="Shetland lunch")
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    await matching.approve(event_id)
    await seen(probe, "event.published", where=lambda e: e["data"]["event"]["event_id"] == event_id)

    person_id = await matching.confirm_volunteer(outward_code="ZE9", travel_radius_km=5)

    profile = await matching.db["volunteers"].find_one({"_id": str(person_id)})
    assert profile is not None
    assert profile["outward_code"] == "ZE9"
    assert (profile["latitude"], profile["longitude"]) == (
        placed.centroid.latitude,
        placed.centroid.longitude,
    )
    proposals = await seen(
        probe, "match.proposed", where=lambda e: e["data"]["person_id"] == str(person_id)
    )
    assert [p["data"]["event"]["event_id"] for p in proposals] == [event_id]


async def test_an_event_in_a_district_missing_from_the_table_is_listed_and_matched(
    matching: Matching, probe: EventProbe
) -> None:
    person_id = await matching.confirm_volunteer(outward_code="ZE3", travel_radius_km=5)

    created = await matching.submit(postcode="ZE9 9ZZ", title="Fair Isle walk")
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    await matching.approve(event_id)

    proposals = await seen(
        probe, "match.proposed", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    assert {p["data"]["person_id"] for p in proposals} == {str(person_id)}
    listed = await matching.http.get("/api/v1/events", params={"near": "ZE9", "within_km": 5})
    assert [e["id"] for e in listed.json()] == [event_id]
