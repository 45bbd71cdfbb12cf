"""Volunteer confirmed → event submitted → listing approved → proposals, on the real broker."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from matching.handlers.volunteers import tell_unmatched
from together_contracts import VolunteerUpdated, VolunteerUpdatedData
from together_kit.testing.events import volunteer_confirmed
from together_kit.testing.probe import EventProbe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Matching, next_saturday_noon, seen, token_of

pytestmark = pytest.mark.integration


async def test_an_approved_event_is_proposed_to_volunteers_near_it(
    matching: Matching, probe: EventProbe
) -> None:
    near = await matching.confirm_volunteer(outward_code="M1")
    other_interest = await matching.confirm_volunteer(interests=["sport"])
    far = await matching.confirm_volunteer(outward_code="CF10", travel_radius_km=20)

    created = await matching.submit()
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    await seen(probe, "event.submitted", where=lambda e: e["data"]["event_id"] == event_id)
    listed = await matching.http.get("/api/v1/events")
    assert [e["id"] for e in listed.json()] == []

    await matching.approve(event_id)
    await seen(probe, "event.published", where=lambda e: e["data"]["event"]["event_id"] == event_id)
    proposals = await seen(
        probe, "match.proposed", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    proposed_to = {p["data"]["person_id"] for p in proposals}
    assert str(near) in proposed_to
    assert str(other_interest) not in proposed_to
    assert str(far) not in proposed_to
    reasons = proposals[0]["data"]["reasons_text"]
    assert reasons.startswith("in your area"), "the nearest volunteer lives in the same district"
    assert "likes food and mutual aid" in reasons
    assert "free at weekends" in reasons
    listed = await matching.http.get("/api/v1/events", params={"near": "M1 1AE", "within_km": 5})
    assert [e["id"] for e in listed.json()] == [event_id]

    page = await matching.http.get(f"/r/{token_of(proposals[0]['data']['respond_url'])}")
    assert page.status_code == 200
    assert "Community lunch" in page.text


async def test_a_confirmed_volunteer_is_proposed_the_best_upcoming_events(
    matching: Matching, probe: EventProbe
) -> None:
    created = await matching.submit(title="Street clean-up", event_type="environment")
    event_id = created.json()["id"]
    await matching.approve(event_id)
    await seen(probe, "event.published", where=lambda e: e["data"]["event"]["event_id"] == event_id)

    person_id = await matching.confirm_volunteer(interests=["environment"])
    proposal = await seen(
        probe, "match.proposed", where=lambda e: e["data"]["person_id"] == str(person_id)
    )
    assert proposal[0]["data"]["event"]["event_id"] == event_id


async def test_a_volunteer_without_a_proposal_for_seven_days_is_told_once(
    matching: Matching, probe: EventProbe
) -> None:
    starts = next_saturday_noon(datetime.now(UTC)) + timedelta(days=14)
    far_event = await matching.submit(
        postcode="LS1 1UR",
        event_type="sport",
        starts_at=starts.isoformat(),
        ends_at=(starts + timedelta(hours=2)).isoformat(),
    )
    await matching.approve(far_event.json()["id"])
    await seen(
        probe,
        "event.published",
        where=lambda e: e["data"]["event"]["event_id"] == far_event.json()["id"],
    )
    person_id = await matching.confirm_volunteer(interests=["sport"], travel_radius_km=5)

    assert await tell_unmatched(matching.ctx) == 0
    matching.clock.advance(days=8)
    assert await tell_unmatched(matching.ctx) == 1
    assert await tell_unmatched(matching.ctx) == 0
    told = await seen(
        probe, "volunteer.unmatched", where=lambda e: e["data"]["person_id"] == str(person_id)
    )
    nearest = told[0]["data"]["nearest_events"]
    assert [n["event_id"] for n in nearest] == [far_event.json()["id"]]
    assert nearest[0]["distance_km"] > 5


async def test_a_broken_answer_link_leads_to_my_together_for_a_new_one(matching: Matching) -> None:
    from urllib.parse import parse_qs, urlsplit

    page = await matching.http.get("/r/not-a-real-token")
    assert page.status_code == 404
    found = re.search(r'href="([^"]+/my/sign-in\?[^"]+)"', page.text)
    assert found, page.text
    url = urlsplit(html.unescape(found.group(1)))
    [back] = parse_qs(url.query)["next"]
    assert back.endswith("/my/events")
    assert "Sign in to My together" in page.text


async def test_a_redelivered_confirmation_is_a_duplicate_even_after_an_update(
    matching: Matching,
) -> None:
    """Profile writes are keyed by the event id, with no inbox record: the confirmation sent again
    after an update finds its id on the profile and leaves the update in place."""
    joined = volunteer_confirmed(outward_code="M1")
    person_id = joined.data.person_id
    await publish_event(matching.rabbitmq_url, joined)
    moved = VolunteerUpdated(
        producer="tests",
        correlation_id="moved",
        data=VolunteerUpdatedData(
            person_id=person_id,
            confirmed=True,
            profile=joined.data.profile.model_copy(update={"outward_code": "LS1"}),
        ),
    )
    await publish_event(matching.rabbitmq_url, moved)
    await eventually(
        lambda: matching.db["volunteers"].find_one({"_id": str(person_id), "outward_code": "LS1"}),
        what="the updated profile",
    )

    await publish_event(matching.rabbitmq_url, joined)

    async def duplicates() -> int:
        return matching.consumed("volunteer.confirmed", "duplicate")

    await eventually(duplicates, what="the confirmation taken as a duplicate")
    stored = await matching.db["volunteers"].find_one({"_id": str(person_id)})
    assert stored is not None
    assert stored["outward_code"] == "LS1"
    assert stored["applied"] == [str(joined.id), str(moved.id)]
    assert await matching.db["inbox"].count_documents({"event_id": str(joined.id)}) == 0
