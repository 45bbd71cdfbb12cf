"""Answers by signed link: places taken atomically, waitlist, giving a place up, cancellation."""

import asyncio
import uuid

import pytest
from matching.handlers import responses
from matching.handlers.listings import cancel_event
from together_kit.testing.probe import EventProbe

from .conftest import Matching, seen, token_of

pytestmark = pytest.mark.integration


async def published_with_proposals(
    matching: Matching, probe: EventProbe, *, volunteers: int, places: int, per_place: int = 3
) -> tuple[str, list[dict[str, str]]]:
    for _ in range(volunteers):
        await matching.confirm_volunteer()
    created = await matching.submit(places=places)
    event_id = created.json()["id"]
    await matching.approve(event_id)
    found = await seen(
        probe,
        "match.proposed",
        count=min(volunteers, places * per_place),
        where=lambda e: e["data"]["event"]["event_id"] == event_id,
    )
    return event_id, [p["data"] for p in found]


async def test_fifty_concurrent_accepts_for_six_places(
    start_matching: object, probe: EventProbe
) -> None:
    async with start_matching(proposals_per_place=10) as matching:  # type: ignore[operator]
        event_id, proposals = await published_with_proposals(
            matching, probe, volunteers=50, places=6, per_place=10
        )
        assert len(proposals) == 50
        answers = await asyncio.gather(
            *(
                matching.http.post(f"/r/{token_of(p['respond_url'])}", data={"answer": "accept"})
                for p in proposals
            )
        )
        assert all(a.status_code == 200 for a in answers)
        assert sum("You have a place" in a.text for a in answers) == 6
        assert sum("You are on the waiting list" in a.text for a in answers) == 44
        stored = await matching.db["events"].find_one({"_id": event_id})
        assert stored is not None
        assert len(stored["accepted"]) == 6
        assert len(stored["waitlist"]) == 44
        accepted = await seen(
            probe,
            "match.accepted",
            count=50,
            where=lambda e: e["data"]["event"]["event_id"] == event_id,
        )
        outcomes = [a["data"]["outcome"] for a in accepted]
        assert outcomes.count("accepted") == 6
        assert outcomes.count("waitlisted") == 44


async def test_giving_up_a_place_offers_it_to_the_first_waiting(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, proposals = await published_with_proposals(matching, probe, volunteers=3, places=1)
    first, second, third = proposals
    for proposal in (first, second, third):
        await matching.http.post(
            f"/r/{token_of(proposal['respond_url'])}", data={"answer": "accept"}
        )
    page = await matching.http.post(
        f"/r/{token_of(first['respond_url'])}", data={"answer": "decline"}
    )
    assert "You have given up your place" in page.text
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["accepted"] == [second["person_id"]]
    assert stored["waitlist"] == [third["person_id"]]
    promoted = await seen(
        probe,
        "match.accepted",
        where=lambda e: e["data"]["from_waitlist"] and e["data"]["event"]["event_id"] == event_id,
    )
    assert promoted[0]["data"]["person_id"] == second["person_id"]
    await seen(
        probe,
        "match.declined",
        where=lambda e: e["data"]["person_id"] == first["person_id"] and e["data"]["withdrawn"],
    )


async def test_the_organiser_cancels_and_everyone_with_a_place_is_told(
    matching: Matching, probe: EventProbe
) -> None:
    created = await matching.submit(places=1)
    cancel_url = created.json()["cancel_url"]
    await matching.confirm_volunteer()
    event_id = created.json()["id"]
    await matching.approve(event_id)
    proposal = (
        await seen(
            probe, "match.proposed", where=lambda e: e["data"]["event"]["event_id"] == event_id
        )
    )[0]
    await matching.http.post(
        f"/r/{token_of(proposal['data']['respond_url'])}", data={"answer": "accept"}
    )

    page = await matching.http.get(f"/events/cancel/{token_of(cancel_url)}")
    assert page.status_code == 200
    assert "Cancel this event" in page.text
    done = await matching.http.post(f"/events/cancel/{token_of(cancel_url)}")
    assert done.status_code == 200
    cancelled = await seen(
        probe, "event.cancelled", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    assert cancelled[0]["data"]["accepted"] == [proposal["data"]["person_id"]]
    assert (await matching.http.get("/api/v1/events")).json() == []
    again = await cancel_event(token_of(cancel_url), correlation_id="again", ctx=matching.ctx)
    assert again.value == "already-cancelled"
    closed = await matching.http.post(
        f"/r/{token_of(proposal['data']['respond_url'])}", data={"answer": "accept"}
    )
    assert closed.status_code == 409


@pytest.mark.parametrize("token", ["nonsense", "eyJhbGciOi.tampered.x"])
async def test_tampered_links_get_a_clear_page(matching: Matching, token: str) -> None:
    for path in (f"/r/{token}", f"/events/cancel/{token}"):
        page = await matching.http.get(path)
        assert page.status_code == 404
        assert "This link does not work" in page.text
        posted = await matching.http.post(path, data={"answer": "accept"})
        assert posted.status_code == 404


async def test_a_link_for_one_purpose_does_not_work_for_another(matching: Matching) -> None:
    from matching.domain.links import Purpose

    token = matching.ctx.tokens.issue(Purpose.ORGANISER, uuid.uuid4())
    state, proposal = await responses.read_link(token, matching.ctx)
    assert (state.value, proposal) == ("invalid", None)
