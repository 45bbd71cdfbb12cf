"""A lead withdraws an approved listing in moderation (`listing.withdrawn`): the event is
cancelled, so it leaves /events and the API and is no longer matched, and the people with a
place are told it is off (`event.cancelled`)."""

import json
import uuid

import pytest
from together_contracts import ListingWithdrawn, ListingWithdrawnData
from together_kit.testing.probe import EventProbe, publish_event

from .conftest import Matching, seen, token_of

pytestmark = pytest.mark.integration


async def test_a_withdrawn_listing_is_cancelled_and_its_volunteers_are_told(
    matching: Matching, probe: EventProbe
) -> None:
    near = await matching.confirm_volunteer(outward_code="M1")
    event_id = (await matching.submit(title="Lunch to be taken down")).json()["id"]
    await matching.approve(event_id)
    proposals = await seen(
        probe, "match.proposed", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    proposal = next(p["data"] for p in proposals if p["data"]["person_id"] == str(near))
    accepted = await matching.http.post(
        f"/r/{token_of(proposal['respond_url'])}", data={"answer": "accept"}
    )
    assert accepted.status_code in {200, 303}, accepted.text
    assert [e["id"] for e in (await matching.http.get("/api/v1/events")).json()] == [event_id]

    withdrawn = ListingWithdrawn(
        producer="tests",
        correlation_id="withdraw-listing",
        data=ListingWithdrawnData(event_id=uuid.UUID(event_id)),
    )
    await publish_event(matching.rabbitmq_url, withdrawn)

    cancelled = await seen(
        probe, "event.cancelled", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    assert cancelled[0]["data"]["accepted"] == [str(near)]
    assert cancelled[0]["causation_id"] == str(withdrawn.id)
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["status"] == "cancelled"
    assert (await matching.http.get("/api/v1/events")).json() == []
    page = await matching.http.get("/events")
    assert "Lunch to be taken down" not in page.text


async def test_asyncapi_says_matching_hears_listing_withdrawn(matching: Matching) -> None:
    document = (await matching.http.get("/asyncapi.json")).json()

    message = document["components"]["messages"][
        "matching.listings:together.events:OnListings:SubscribeMessage"
    ]
    schemas = json.dumps(document["components"]["schemas"])

    assert "listing.withdrawn" in json.dumps(message) + schemas
    assert "ListingWithdrawn" in schemas
