"""The organiser's page (/events/manage/{site token}): status, places, who is coming, edit,
cancel, attendance and a message to everyone with a place; the link emailed again on request."""

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from matching.domain.availability import LONDON
from matching.handlers import responses
from together_contracts import ListingDecisionData, ListingRejected
from together_kit.testing.probe import EventProbe, publish_event
from together_kit.testing.waiting import eventually
from together_kit.web.site import SitePurpose, SiteTokens

from .conftest import Document, Matching, next_saturday_noon, seen, token_of

pytestmark = pytest.mark.integration


async def listed(
    matching: Matching, probe: EventProbe, *, publish: bool = True, **changes: Any
) -> tuple[str, str]:
    """A listed (and approved) event: its id and the path of its organiser's page."""
    created = await matching.submit(**changes)
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    page = urlsplit(created.json()["manage_url"]).path
    if publish:
        await matching.approve(event_id)
        [published] = await seen(
            probe, "event.published", where=lambda e: e["data"]["event"]["event_id"] == event_id
        )
        tokens = SiteTokens(matching.app.state.settings.site_keys())
        emailed = unquote(urlsplit(published["data"]["manage_url"]).path.rpartition("/")[2])
        subject = tokens.subject(emailed, SitePurpose.ORGANISER, max_age=60)
        assert str(subject) == event_id, "the link in event.published opens the same page"
        assert published["data"]["organiser_name"] == changes.get("organiser_name", "Sam Patel")
    return event_id, page


async def take_places(
    matching: Matching, probe: EventProbe, event_id: str, count: int, *, share: bool = False
) -> list[Document]:
    """`count` confirmed volunteers each accept the event's proposal (in order)."""
    proposals = await seen(
        probe,
        "match.proposed",
        count=count,
        where=lambda e: e["data"]["event"]["event_id"] == event_id,
    )
    for proposal in proposals:
        answer = {"answer": "accept", **({"share": "yes"} if share else {})}
        await matching.http.post(f"/r/{token_of(proposal['data']['respond_url'])}", data=answer)
    return [p["data"] for p in proposals]


def edit_form(**changes: str) -> dict[str, str]:
    starts = next_saturday_noon(datetime.now(UTC)).astimezone(LONDON)
    return {
        "title": "Community lunch",
        "description": "Soup and a chat; help set up and serve.",
        "start_date": starts.date().isoformat(),
        "start_time": starts.strftime("%H:%M"),
        "end_date": "",
        "end_time": (starts + timedelta(hours=2)).strftime("%H:%M"),
        "places": "6",
        "where": "venue",
        "venue_name": "Riverside Community Centre",
        "address_line_1": "12 Mill Lane",
        "town": "Manchester",
        "postcode": "M1 1AE",
        **changes,
    }


async def test_the_page_shows_status_places_waitlist_and_who_is_coming(
    matching: Matching, probe: EventProbe
) -> None:
    for _ in range(2):
        await matching.confirm_volunteer()
    event_id, page = await listed(matching, probe, publish=False, places=1)
    waiting = await matching.http.get(page)
    assert waiting.status_code == 200
    assert "Waiting for a moderator" in waiting.text
    assert "<address>Riverside Community Centre<br>" in waiting.text, "the venue in full"

    await matching.approve(event_id)
    await take_places(matching, probe, event_id, 2)
    shown = await matching.http.get(page)
    assert "Published" in shown.text
    assert re.search(r'id="places-taken">1 of 1<', shown.text)
    assert re.search(r'id="waitlist">1<', shown.text)
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["accepted"][0] not in shown.text  # place codes, never person ids
    assert len(re.findall(r"<li>[0-9A-F]{6}</li>", shown.text)) == 1
    token = page.rpartition("/")[2]
    assert f"/organisers/{token}/people" in shown.text


async def test_a_rejected_listing_says_why_in_words(matching: Matching, probe: EventProbe) -> None:
    event_id, page = await listed(matching, probe, publish=False)
    rejection = ListingRejected(
        producer="tests",
        correlation_id="reject-it",
        data=ListingDecisionData(event_id=uuid.UUID(event_id), reason="commercial"),
    )
    await publish_event(matching.rabbitmq_url, rejection)

    async def page_text() -> str:
        return (await matching.http.get(page)).text

    text = await eventually(page_text, until=lambda t: "Not published" in t, what="rejected")
    assert "It was selling something" in text
    assert "Change the event" not in text


async def test_editing_the_time_tells_people_with_a_place_once_with_was_and_now(
    matching: Matching, probe: EventProbe
) -> None:
    person = await matching.confirm_volunteer()
    event_id, page = await listed(matching, probe, places=2)
    await take_places(matching, probe, event_id, 1)

    unchanged = await matching.http.post(f"{page}/edit", data=edit_form(places="2"))
    assert unchanged.status_code == 303
    assert unchanged.headers["location"].endswith("?done=unchanged")
    later = edit_form(start_time="15:00", end_time="17:30", places="2")
    saved = await matching.http.post(f"{page}/edit", data=later)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{page}?done=saved"
    shown = await matching.http.get(saved.headers["location"])
    assert "Your changes are saved" in shown.text
    assert 'value="15:00"' in shown.text

    [changed] = await seen(
        probe, "event.changed", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    data = changed["data"]
    assert data["changes"] == ["starts_at", "ends_at"]
    assert data["accepted"] == [str(person)]
    was = datetime.fromisoformat(data["was"]["starts_at"]).astimezone(LONDON)
    now = datetime.fromisoformat(data["event"]["starts_at"]).astimezone(LONDON)
    assert (was.hour, now.hour) == (12, 15)
    assert data["venue"]["address_lines"] == ["12 Mill Lane"]

    await matching.http.post(f"{page}/message", data={"text": "See you at three."})
    await seen(
        probe, "event.message_posted", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    changes = [e for e in probe.events if e["type"] == "event.changed"]
    assert len([e for e in changes if e["data"]["event"]["event_id"] == event_id]) == 1


async def test_a_new_description_waits_for_a_moderator_and_the_public_text_stays(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, page = await listed(matching, probe)
    new_text = "Soup, bread and a chat; bring a friend."
    saved = await matching.http.post(f"{page}/edit", data=edit_form(description=new_text))
    assert saved.headers["location"].endswith("?done=moderated")
    submitted = await seen(
        probe, "event.submitted", count=2, where=lambda e: e["data"]["event_id"] == event_id
    )
    assert submitted[-1]["data"]["description"] == new_text

    async def public_description() -> str:
        found = (await matching.http.get("/api/v1/events")).json()
        return str(next(e["description"] for e in found if e["id"] == event_id))

    assert await public_description() == "Soup and a chat; help set up and serve."
    shown = await matching.http.get(page)
    assert "waiting for a moderator" in shown.text
    assert new_text in shown.text  # in the edit form, for the organiser

    await matching.approve(event_id)
    await eventually(public_description, until=lambda d: d == new_text, what="new text public")

    refused_text = "Buy our soup at half price!"
    await matching.http.post(f"{page}/edit", data=edit_form(description=refused_text))
    await seen(probe, "event.submitted", count=3, where=lambda e: e["data"]["event_id"] == event_id)
    rejection = ListingRejected(
        producer="tests",
        correlation_id="reject-edit",
        data=ListingDecisionData(event_id=uuid.UUID(event_id), reason="commercial"),
    )
    await publish_event(matching.rabbitmq_url, rejection)

    async def page_text() -> str:
        return (await matching.http.get(page)).text

    text = await eventually(page_text, until=lambda t: "was not accepted" in t, what="refusal")
    assert "It was selling something" in text
    assert "Published" in text
    assert await public_description() == new_text


async def test_more_places_promote_the_waitlist_and_fewer_than_taken_are_refused(
    matching: Matching, probe: EventProbe
) -> None:
    for _ in range(2):
        await matching.confirm_volunteer()
    event_id, page = await listed(matching, probe, places=1)
    proposals = await take_places(matching, probe, event_id, 2)
    waiting = proposals[1]["person_id"]
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["waitlist"] == [waiting]

    more = await matching.http.post(f"{page}/edit", data=edit_form(places="2"))
    assert more.headers["location"].endswith("?done=saved")
    promoted = await seen(
        probe,
        "match.accepted",
        where=lambda e: e["data"]["person_id"] == waiting and e["data"]["from_waitlist"],
    )
    assert promoted[0]["data"]["outcome"] == "accepted"

    fewer = await matching.http.post(f"{page}/edit", data=edit_form(places="1"))
    assert fewer.status_code == 422
    assert "fewer places than the 2 volunteers" in fewer.text
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["places"] == 2


async def test_a_message_goes_to_everyone_with_a_place(
    matching: Matching, probe: EventProbe
) -> None:
    person = await matching.confirm_volunteer()
    event_id, page = await listed(matching, probe)
    await take_places(matching, probe, event_id, 1)
    empty = await matching.http.post(f"{page}/message", data={"text": "  "})
    assert empty.status_code == 422
    assert "Write your message" in empty.text
    too_long = await matching.http.post(f"{page}/message", data={"text": "x" * 1001})
    assert too_long.status_code == 422
    sent = await matching.http.post(f"{page}/message", data={"text": "Bring a warm coat."})
    assert sent.headers["location"].endswith("?done=message")
    [posted] = await seen(
        probe, "event.message_posted", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    assert posted["data"]["text"] == "Bring a warm coat."
    assert posted["data"]["accepted"] == [str(person)]
    assert posted["data"]["organiser_first_name"] == "Sam"


async def test_cancel_and_attendance_from_the_page(matching: Matching, probe: EventProbe) -> None:
    person = await matching.confirm_volunteer()
    event_id, page = await listed(matching, probe)
    await take_places(matching, probe, event_id, 1)
    matching.clock.advance(days=8)
    shown = await matching.http.get(page)
    code = re.search(r"Place code ([0-9A-F]{6})", shown.text)
    assert code is not None
    marked = await matching.http.post(f"{page}/attendance", data={f"place-{code[1]}": "came"})
    assert marked.headers["location"].endswith("?done=attendance")
    [recorded] = await seen(
        probe, "attendance.recorded", where=lambda e: e["data"]["event_id"] == event_id
    )
    assert recorded["data"]["person_id"] == str(person)
    assert recorded["data"]["event"]["title"] == "Community lunch"

    other_id, other_page = await listed(matching, probe, publish=False)
    cancelled = await matching.http.post(f"{other_page}/cancel")
    assert cancelled.headers["location"].endswith("?done=cancelled")
    assert "Cancelled." in (await matching.http.get(other_page)).text
    stored = await matching.db["events"].find_one({"_id": other_id})
    assert stored is not None
    assert stored["status"] == "cancelled"


async def test_tampered_and_expired_links_offer_a_new_one(
    matching: Matching, probe: EventProbe, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id, page = await listed(matching, probe, publish=False)
    tampered = await matching.http.get(page[:-3] + "abc")
    assert tampered.status_code == 404
    assert "This link does not work" in tampered.text
    assert 'action="/events/manage"' in tampered.text
    assert (await matching.http.post(page[:-3] + "abc/cancel")).status_code == 404

    a_year_ago = time.time() - 366 * 24 * 3600
    with monkeypatch.context() as past:
        past.setattr("itsdangerous.timed.time.time", lambda: a_year_ago)
        old = urlsplit(matching.ctx.links.manage(uuid.UUID(event_id))).path
    expired = await matching.http.get(old)
    assert expired.status_code == 410
    assert "This link has expired" in expired.text
    assert 'action="/events/manage"' in expired.text


async def test_the_link_is_emailed_again_on_request_and_the_answer_says_nothing(
    matching: Matching, probe: EventProbe
) -> None:
    organiser = f"organiser-{uuid.uuid4().hex[:6]}@example.org"
    first, _ = await listed(matching, probe, publish=False, organiser_email=organiser)
    second, _ = await listed(matching, probe, publish=False, organiser_email=organiser)
    form = await matching.http.get("/events/manage")
    assert 'name="email"' in form.text
    bad = await matching.http.post("/events/manage", data={"email": "nope"})
    assert bad.status_code == 422
    unknown = await matching.http.post("/events/manage", data={"email": "nobody@example.org"})
    asked = await matching.http.post("/events/manage", data={"email": organiser.upper()})
    assert unknown.status_code == asked.status_code == 303
    assert unknown.headers["location"] == asked.headers["location"]
    sent = await matching.http.get(asked.headers["location"])
    assert "Check your email" in sent.text
    requested = await seen(
        probe,
        "organiser.link_requested",
        count=2,
        where=lambda e: (
            e["data"]["reason"] == "requested" and e["data"]["organiser_email"] == organiser
        ),
    )
    assert {e["data"]["event_id"] for e in requested} == {first, second}


async def test_accepting_with_the_tick_shares_the_email_and_can_be_taken_back(
    matching: Matching, probe: EventProbe
) -> None:
    person = await matching.confirm_volunteer()
    event_id, _ = await listed(matching, probe, organiser_phone="0161 496 0000")
    answer = await seen(
        probe, "match.proposed", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    respond = f"/r/{token_of(answer[0]['data']['respond_url'])}"
    form = await matching.http.get(respond)
    assert 'name="share"' in form.text
    assert 'name="share" type="checkbox" value="yes" checked' not in form.text
    await matching.http.post(respond, data={"answer": "accept", "share": "yes"})
    [accepted] = await seen(
        probe, "match.accepted", where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    data = accepted["data"]
    assert data["share_contact"] is True
    assert data["venue"]["name"] == "Riverside Community Centre"
    assert data["venue"]["postcode"] == "M1 1AE"
    assert data["organiser"] == {
        "first_name": "Sam",
        "email": "sam@riverside.example.org",
        "phone": "0161 496 0000",
    }
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["sharing"] == [str(person)]

    changed = await responses.set_sharing(
        uuid.UUID(event_id), person, False, correlation_id="stop-sharing", ctx=matching.ctx
    )
    assert changed
    [told] = await seen(
        probe, "match.sharing_changed", where=lambda e: e["data"]["event_id"] == event_id
    )
    assert told["data"]["share_contact"] is False
    assert told["data"]["person_id"] == str(person)
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["sharing"] == []
    stranger = await responses.set_sharing(
        uuid.UUID(event_id), uuid.uuid4(), True, correlation_id="x", ctx=matching.ctx
    )
    assert not stranger
