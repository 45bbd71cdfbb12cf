"""`person.erasure_requested`: profile and matches deleted, anonymous counts kept, answered."""

import time
import uuid

import pytest
from bson import json_util
from together_contracts import (
    PersonAccessRequested,
    PersonAccessRequestedData,
    PersonErasureRequested,
    PersonErasureRequestedData,
    email_digest,
)
from together_kit.testing.probe import EventProbe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Matching, seen, token_of

pytestmark = pytest.mark.integration


async def everything_stored(matching: Matching) -> str:
    """Every document but the tombstones (`erasures`: the erased person's id and keyed digest,
    kept on purpose so replays and restores cannot bring them back)."""
    documents = []
    for name in await matching.db.list_collection_names():
        if name != "erasures":
            documents += await matching.db[name].find().to_list()
    return json_util.dumps(documents)


async def test_erasure_forgets_the_volunteer_and_passes_their_place_on(
    matching: Matching, probe: EventProbe
) -> None:
    leaving = await matching.confirm_volunteer()
    staying = await matching.confirm_volunteer()
    created = await matching.submit(places=1)
    event_id = created.json()["id"]
    await matching.approve(event_id)
    proposals = await seen(
        probe, "match.proposed", count=2, where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    by_person = {p["data"]["person_id"]: p["data"]["respond_url"] for p in proposals}
    for person in (leaving, staying):
        await matching.http.post(
            f"/r/{token_of(by_person[str(person)])}", data={"answer": "accept"}
        )

    request = PersonErasureRequested(
        producer="tests",
        correlation_id="erase-test",
        data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), person_id=leaving),
    )
    await publish_event(matching.rabbitmq_url, request)
    answer = await seen(
        probe,
        "person.erased",
        where=lambda e: e["data"]["erasure_id"] == str(request.data.erasure_id),
    )
    assert answer[0]["data"]["service"] == "matching"
    assert str(leaving) not in await eventually(
        lambda: everything_stored(matching),
        until=lambda stored: str(leaving) not in stored,
        what="no trace of the erased person",
    )
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["accepted"] == [str(staying)]
    assert stored["erased"] == 1
    assert stored["proposed"] == 2
    await seen(
        probe,
        "match.accepted",
        where=lambda e: e["data"]["from_waitlist"] and e["data"]["person_id"] == str(staying),
    )

    repeated = request.model_copy(update={"id": uuid.uuid4()})
    await publish_event(matching.rabbitmq_url, repeated)
    await eventually(
        lambda: matching.db["inbox"].count_documents({"event_id": str(repeated.id)}),
        what="the repeated request handled",
    )
    assert len([e for e in probe.events if e["type"] == "person.erased"]) == 1


async def test_an_organiser_erased_by_address_is_no_longer_held_or_emailed(
    matching: Matching, probe: EventProbe
) -> None:
    """The request carries only the keyed digest of the organiser's address (no person id)."""
    organiser = f"organiser-{uuid.uuid4().hex[:6]}@example.org"
    kept = await matching.submit(organiser_email="someone.else@example.org")
    listed = await matching.submit(
        organiser_email=organiser,
        organiser_name="Ada Quill",
        organiser_phone="0161 496 0999",
        venue_name="Ada's front room",
        address_lines=["7 Quill Street"],
        town="Salford",
    )
    event_id = listed.json()["id"]
    assert organiser in await everything_stored(matching)
    assert "7 Quill Street" in await everything_stored(matching)
    key = matching.app.state.settings.erasure_digest_key
    request = PersonErasureRequested(
        producer="tests",
        correlation_id="erase-organiser",
        data=PersonErasureRequestedData(
            erasure_id=uuid.uuid4(), email_digest=email_digest(organiser.upper(), key=key)
        ),
    )

    await publish_event(matching.rabbitmq_url, request)

    await seen(
        probe,
        "person.erased",
        where=lambda e: e["data"]["erasure_id"] == str(request.data.erasure_id),
    )
    after = await everything_stored(matching)
    for personal in (organiser, "Ada Quill", "0161 496 0999", "Ada's front room", "7 Quill"):
        assert personal not in after
    assert "someone.else@example.org" in after
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert (stored["title"], stored["organiser_email"]) == ("Community lunch", "")
    assert (stored["outward_code"], stored["postcode"], stored["venue"]["town"]) == ("M1", "M1", "")
    [tombstone] = await matching.db["erasures"].find().to_list()
    assert tombstone["email_digest"] == request.data.email_digest

    await matching.approve(event_id)
    [published] = await seen(
        probe, "event.published", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    assert published["data"]["organiser_email"] is None
    assert published["data"]["organiser_name"] == ""
    assert kept.status_code == 201


async def test_an_organisers_erasure_reaches_the_events_their_listing_has_not_published_yet(
    matching: Matching, probe: EventProbe
) -> None:
    """The listing's `event.published` (the organiser's address and name) is still in its outbox,
    held by another replica that cannot reach the broker, when the erasure comes: it stays, to
    tell the event is published, without the organiser's details."""
    organiser = f"organiser-{uuid.uuid4().hex[:6]}@example.org"
    listed = await matching.submit(organiser_email=organiser, organiser_name="Ada Quill")
    event_id = listed.json()["id"]
    await matching.approve(event_id)
    [published] = await seen(
        probe, "event.published", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    assert published["data"]["organiser_email"] == organiser
    events = matching.db["events"]
    await eventually(
        lambda: events.find_one({"_id": event_id}),
        until=lambda stored: stored is not None and not stored["outbox"],
        what="the approval's events sent",
    )
    stored = await events.find_one({"_id": event_id})
    assert stored is not None
    unsent = {key: value for key, value in published.items() if key != "routing_key"}
    await events.replace_one(
        {"_id": event_id},
        {
            **stored,
            "version": stored["version"] + 1,
            "outbox": [unsent],
            "outbox_pending": 1,
            "outbox_lease_owner": "replica-b",
            "outbox_lease_until": time.time() + 3600,
        },
    )
    key = matching.app.state.settings.erasure_digest_key
    request = PersonErasureRequested(
        producer="tests",
        correlation_id="erase-organiser",
        data=PersonErasureRequestedData(
            erasure_id=uuid.uuid4(), email_digest=email_digest(organiser, key=key)
        ),
    )

    await publish_event(matching.rabbitmq_url, request)

    await seen(
        probe,
        "person.erased",
        where=lambda e: e["data"]["erasure_id"] == str(request.data.erasure_id),
    )
    erased = await events.find_one({"_id": event_id})
    assert erased is not None
    [kept] = erased["outbox"]
    assert (kept["id"], kept["type"]) == (published["id"], "event.published")
    assert (kept["data"]["organiser_email"], kept["data"]["organiser_name"]) == (None, "")
    assert kept["data"]["event"]["title"] == published["data"]["event"]["title"]
    assert organiser not in str(erased)
    assert "Ada Quill" not in str(erased)


async def test_an_access_request_is_answered_with_profile_offers_and_listed_events(
    matching: Matching, probe: EventProbe
) -> None:
    person_id = await matching.confirm_volunteer()
    organiser = f"organiser-{uuid.uuid4().hex[:6]}@example.org"
    listed = await matching.submit(organiser_email=organiser)
    key = matching.app.state.settings.erasure_digest_key
    request = PersonAccessRequested(
        producer="signups",
        correlation_id="access",
        data=PersonAccessRequestedData(
            access_id=uuid.uuid4(),
            person_id=person_id,
            email_digest=email_digest(organiser, key=key),
        ),
    )

    await publish_event(matching.rabbitmq_url, request)

    [answer] = await seen(
        probe,
        "person.access_answered",
        where=lambda e: e["data"]["access_id"] == str(request.data.access_id),
    )
    held = answer["data"]["held"]
    assert held["volunteer"]["person_id"] == str(person_id)
    assert held["volunteer"]["outward_code"] == "M1"
    [event] = held["events_listed"]
    assert (event["id"], event["organiser_email"]) == (listed.json()["id"], organiser)
    assert (event["organiser_name"], event["venue_address_lines"]) == (
        "Sam Patel",
        ["12 Mill Lane"],
    )
