""" "I can help" from the events page: signed-in volunteers take a place at once (real broker and
store), people signed out are led to sign in or join, and closed events get a clear page."""

import dataclasses
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from matching.domain.community_events import CommunityEvent
from matching.domain.matches import match_id
from matching.handlers.listings import cancel_event
from together_contracts import Consent, VolunteerUnsubscribed, VolunteerUnsubscribedData
from together_kit.testing.probe import EventProbe, publish_event
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually
from together_kit.web.site import SESSION_COOKIE, SitePurpose, SiteTokens

from .conftest import Matching, StartMatching, event_body, seen, token_of

pytestmark = pytest.mark.integration

SIGNUPS = "https://signups.together.example"
MATCHING = "https://matching.together.example"
FAR_AWAY = "EH1"
"""A volunteer here is never proposed the test events (in M1): they have no match record."""


@pytest.fixture
async def helping(start_matching: StartMatching) -> Any:
    async with start_matching(signups_public_url=SIGNUPS, matching_public_url=MATCHING) as matching:
        yield matching


def session(matching: Matching, person_id: uuid.UUID) -> dict[str, str]:
    """The "My together" cookie signups sets on signing in, signed with the shared site key."""
    tokens = SiteTokens(matching.app.state.settings.site_keys())
    return {"Cookie": f"{SESSION_COOKIE}={tokens.issue(SitePurpose.SESSION, person_id)}"}


async def published(matching: Matching, **changes: Any) -> dict[str, Any]:
    body = event_body(title=f"Community lunch {unique_tag()}", **changes)
    created = await matching.http.post("/api/v1/events", json=body)
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    await matching.approve(event_id)
    await eventually(
        lambda: matching.db["events"].find_one({"_id": event_id, "status": "published"}),
        what=f"{event_id} published",
    )
    return {**body, "id": event_id}


async def at_venue(matching: Matching, event_id: str, *, public: bool) -> None:
    """The venue as the organiser's listing gives it (name and street), public or not."""

    def locate(event: CommunityEvent) -> list[Any]:
        event.venue = dataclasses.replace(
            event.venue, name="Shudehill Hall", address_lines=("1 Shudehill",), public=public
        )
        return []

    await matching.ctx.events.change(uuid.UUID(event_id), locate)


async def stored(matching: Matching, event_id: str) -> dict[str, Any]:
    document = await matching.db["events"].find_one({"_id": event_id})
    assert document is not None
    return document


def said(starts_at: str, ends_at: str) -> str:
    """ "Saturday 5 December, 12:00 to 14:30" in UK time, the year only when not this year."""
    london = ZoneInfo("Europe/London")
    starts = datetime.fromisoformat(starts_at).astimezone(london)
    ends = datetime.fromisoformat(ends_at).astimezone(london)
    year = "" if starts.year == datetime.now(london).year else f" {starts.year}"
    return f"{starts:%A} {starts.day} {starts:%B}{year}, {starts:%H:%M} to {ends:%H:%M}"


async def test_the_events_page_offers_help_and_says_when_as_people_do(
    helping: Matching,
) -> None:
    event = await published(helping, roles=["Setting up", "Serving soup"])

    page = await helping.http.get("/events")

    assert page.status_code == 200
    assert f'href="/events/{event["id"]}/help"' in page.text
    assert "I can help" in page.text
    assert said(event["starts_at"], event["ends_at"]) in page.text
    assert "<li>Setting up</li>" in page.text
    assert "<li>Serving soup</li>" in page.text
    welsh = await helping.http.get("/events?lang=cy")
    assert "Gallaf helpu" in welsh.text
    assert "Dydd Sadwrn" in welsh.text


async def test_a_signed_in_volunteer_takes_a_place_once(
    helping: Matching, probe: EventProbe
) -> None:
    event = await published(helping, places=2)
    await at_venue(helping, event["id"], public=False)
    person_id = await helping.confirm_volunteer(outward_code=FAR_AWAY)
    cookie = session(helping, person_id)
    path = f"/events/{event['id']}/help"

    offer = await helping.http.get(path, headers=cookie)
    assert offer.status_code == 200
    assert "Take a place" in offer.text
    taken = await helping.http.post(path, headers=cookie)

    assert taken.status_code == 303
    assert taken.headers["location"] == path
    shown = await helping.http.get(path, headers=cookie)
    assert "You have a place" in shown.text
    assert said(event["starts_at"], event["ends_at"]) in shown.text
    assert "Near M1: the full address comes by email" in shown.text
    assert "Shudehill" not in shown.text
    assert (await stored(helping, event["id"]))["accepted"] == [str(person_id)]
    identifier = match_id(uuid.UUID(event["id"]), person_id)
    record = await helping.db["matches"].find_one({"_id": str(identifier)})
    assert record is not None
    assert record["person_id"] == str(person_id)
    accepted = await seen(
        probe, "match.accepted", where=lambda e: e["data"]["person_id"] == str(person_id)
    )
    assert accepted[0]["data"]["outcome"] == "accepted"
    emailed = await helping.http.get(f"/r/{token_of(accepted[0]['data']['respond_url'])}")
    assert emailed.status_code == 200
    assert not [
        e
        for e in probe.events
        if e["type"] == "match.proposed" and e["data"]["person_id"] == str(person_id)
    ]

    again = await helping.http.post(path, headers=cookie)

    assert again.status_code == 303
    after = await stored(helping, event["id"])
    assert after["accepted"] == [str(person_id)]
    assert after["waitlist"] == []


async def test_a_full_event_puts_the_volunteer_on_the_waitlist(helping: Matching) -> None:
    event = await published(helping, places=1)
    first = await helping.confirm_volunteer(outward_code=FAR_AWAY)
    second = await helping.confirm_volunteer(outward_code=FAR_AWAY)
    path = f"/events/{event['id']}/help"
    await helping.http.post(path, headers=session(helping, first))

    offer = await helping.http.get(path, headers=session(helping, second))
    assert "Join the waiting list" in offer.text
    await helping.http.post(path, headers=session(helping, second))
    shown = await helping.http.get(path, headers=session(helping, second))

    assert "You are on the waiting list" in shown.text
    assert "You are number 1 on the waiting list" in shown.text
    after = await stored(helping, event["id"])
    assert after["accepted"] == [str(first)]
    assert after["waitlist"] == [str(second)]


async def test_someone_signed_out_is_led_to_sign_in_or_join_and_back(helping: Matching) -> None:
    event = await published(helping)
    path = f"/events/{event['id']}/help"

    page = await helping.http.get(path)

    assert page.status_code == 200
    assert "Take a place" not in page.text
    back = f"{MATCHING}{path}"
    encoded = back.replace(":", "%3A").replace("/", "%2F")
    assert f'href="{SIGNUPS}/my/sign-in?next={encoded}"' in page.text
    assert f'href="{SIGNUPS}/join?next={encoded}"' in page.text
    links = [part.split('"')[0] for part in page.text.split('href="')[1:]]
    sign_in = next(link for link in links if "/my/sign-in" in link)
    assert parse_qs(urlsplit(sign_in).query)["next"] == [back]
    posted = await helping.http.post(path)
    assert posted.status_code == 303
    assert (await stored(helping, event["id"]))["accepted"] == []


async def test_someone_matching_does_not_know_as_a_volunteer_gets_a_clear_page(
    helping: Matching,
) -> None:
    event = await published(helping)
    path = f"/events/{event['id']}/help"
    stranger = session(helping, uuid.uuid4())
    left = await helping.confirm_volunteer(outward_code=FAR_AWAY)
    await publish_event(
        helping.rabbitmq_url,
        VolunteerUnsubscribed(
            producer="tests",
            correlation_id=f"unsubscribe-{left.hex[:8]}",
            data=VolunteerUnsubscribedData(person_id=left, withdrawn=[Consent.MATCHED_EVENTS]),
        ),
    )
    await eventually(
        lambda: helping.db["volunteers"].find_one({"_id": str(left), "status": "unsubscribed"}),
        what="unsubscribed",
    )

    for cookie in (stranger, session(helping, left)):
        page = await helping.http.get(path, headers=cookie)
        assert page.status_code == 403
        assert "We cannot offer you a place yet" in page.text
        assert f'href="{SIGNUPS}/join?next=' in page.text
        posted = await helping.http.post(path, headers=cookie)
        assert posted.status_code == 403
    assert (await stored(helping, event["id"]))["accepted"] == []


async def test_cancelled_past_and_unknown_events_get_a_clear_page(helping: Matching) -> None:
    volunteer = session(helping, await helping.confirm_volunteer(outward_code=FAR_AWAY))
    cancelled = await published(helping)
    token = token_of(helping.ctx.links.cancel_event(uuid.UUID(cancelled["id"])))
    await cancel_event(token, correlation_id="cancel", ctx=helping.ctx)
    soon = await published(helping)

    path = f"/events/{cancelled['id']}/help"
    for cookie in ({}, volunteer):
        page = await helping.http.get(path, headers=cookie)
        assert page.status_code == 409
        assert "This event is no longer taking volunteers" in page.text
    posted = await helping.http.post(path, headers=volunteer)
    assert posted.status_code == 409
    helping.clock.advance(days=8)
    begun = await helping.http.post(f"/events/{soon['id']}/help", headers=volunteer)
    assert begun.status_code == 409
    assert (await stored(helping, soon["id"]))["accepted"] == []
    for unknown in (uuid.uuid4(), "not-an-id"):
        page = await helping.http.get(f"/events/{unknown}/help", headers=volunteer)
        assert page.status_code == 404
        assert "We cannot find this event" in page.text


async def test_a_public_venue_is_shown_in_full(helping: Matching) -> None:
    event = await published(helping)
    await at_venue(helping, event["id"], public=True)

    page = await helping.http.get(f"/events/{event['id']}/help")

    assert "Shudehill Hall, 1 Shudehill, Manchester, M1 1AE" in page.text


async def test_a_volunteer_proposed_the_event_takes_a_place_on_their_proposal(
    helping: Matching, probe: EventProbe
) -> None:
    person_id = await helping.confirm_volunteer()
    event = await published(helping, places=3)
    await seen(probe, "match.proposed", where=lambda e: e["data"]["person_id"] == str(person_id))

    taken = await helping.http.post(
        f"/events/{event['id']}/help", headers=session(helping, person_id)
    )

    assert taken.status_code == 303
    assert (await stored(helping, event["id"]))["accepted"] == [str(person_id)]
    records = await helping.db["matches"].find({"person_id": str(person_id)}).to_list()
    assert [r["_id"] for r in records] == [str(match_id(uuid.UUID(event["id"]), person_id))]
    assert "offered" not in records[0]
