"""The volunteer's "My events" at /my/events, in-process on the real broker and store: a
signed-in volunteer's invitations with reasons, places with venue, UK time and organiser, sharing, withdraw
(the first waiting gets the place), past events; the session from signups opens it."""

import dataclasses
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from matching.domain.community_events import CommunityEvent, Organiser
from matching.handlers import attendance
from together_kit.dates import spoken_span
from together_kit.testing.probe import EventProbe, event_probe
from together_kit.testing.welsh import english_left
from together_kit.web.site import SESSION_COOKIE, SitePurpose, SiteTokens

from .conftest import BASE_URL, Matching, seen, token_of

pytestmark = pytest.mark.integration


def session(matching: Matching, person_id: str) -> str:
    """The cookie signups sets on signing in (the same SITE_KEY signs it)."""
    tokens = SiteTokens(matching.app.state.settings.site_keys())
    return tokens.issue(SitePurpose.SESSION, uuid.UUID(person_id))


def browser(matching: Matching, person_id: str | None = None) -> httpx.AsyncClient:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=matching.app), base_url=BASE_URL)
    if person_id is not None:
        http.cookies.set(SESSION_COOKIE, session(matching, person_id))
    return http


async def listed(matching: Matching, probe: EventProbe, *, volunteers: int, places: int) -> Any:
    """A published event with a venue and an organiser, proposed to `volunteers` people."""
    people = [str(await matching.confirm_volunteer()) for _ in range(volunteers)]
    created = await matching.submit(places=places)
    event_id = created.json()["id"]

    def venue(event: CommunityEvent) -> list[Any]:
        event.venue = dataclasses.replace(
            event.venue,
            name="Riverside Hall",
            address_lines=("12 Mill Lane",),
            town="Manchester",
            arrival_notes="Side door, ring the bell",
        )
        event.organiser = Organiser(name="Sam Patel", phone="0161 496 0000")
        return []

    await matching.ctx.events.change(uuid.UUID(event_id), venue)
    await matching.approve(event_id)
    await seen(
        probe,
        "match.proposed",
        count=volunteers,
        where=lambda e: e["data"]["event"]["event_id"] == event_id,
    )
    return event_id, people


async def answer(http: httpx.AsyncClient, event_id: str, said: str) -> httpx.Response:
    response = await http.post(f"/my/events/{event_id}/answer", data={"answer": said})
    assert response.status_code == 303, response.text
    return await http.get(response.headers["location"])


async def test_an_invitation_shows_its_reasons_and_accepting_there_gives_the_place_in_full(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, [person] = await listed(matching, probe, volunteers=1, places=2)
    stored = await matching.db["matches"].find_one({"person_id": person})
    assert stored is not None
    assert stored["reasons"]["interests"] == ["food-and-mutual-aid"]
    assert stored["reasons"]["slot"] == "weekends"

    async with browser(matching, person) as http:
        page = await http.get("/my/events")
        assert page.status_code == 200
        event = await matching.ctx.events.get(uuid.UUID(event_id))
        assert event is not None
        when = spoken_span(event.starts_at, event.ends_at, "en", now=matching.clock())
        assert when.startswith("Saturday ")
        assert " to " in when
        assert "Community lunch" in page.text
        assert when in page.text
        assert "Why we thought of you" in page.text
        assert "You like: Food and mutual aid" in page.text
        assert "You are usually free then: Weekends" in page.text
        assert "In your area" in page.text, "the volunteer lives in the same district"
        assert "km from you" not in page.text
        assert "12 Mill Lane" not in page.text

        accepted = await answer(http, event_id, "accept")
        welsh = await http.get("/my/events", params={"lang": "cy"})

    entries = matching.app.state.pages.catalogues.catalogue_entries("cy")
    assert english_left(welsh.text, entries) == []
    assert "Fy lleoedd" in welsh.text
    assert spoken_span(event.starts_at, event.ends_at, "cy", now=matching.clock()) in welsh.text

    assert "You have a place. The organiser expects you." in accepted.text
    for shown in (
        "Riverside Hall",
        "12 Mill Lane",
        "Manchester",
        "M1 1AE",
        "Side door, ring the bell",
        "Organiser: Sam",
        "sam@riverside.example.org",
        "0161 496 0000",
        attendance.place_code(uuid.UUID(event_id), uuid.UUID(person)),
        when,
    ):
        assert shown in accepted.text, shown
    assert "Patel" not in accepted.text
    assert "No invitations waiting for an answer." in accepted.text
    await seen(
        probe,
        "match.accepted",
        where=lambda e: e["data"]["person_id"] == person and e["data"]["outcome"] == "accepted",
    )


async def test_withdrawing_on_the_page_gives_the_place_to_the_first_waiting(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, [first, second] = await listed(matching, probe, volunteers=2, places=1)
    async with browser(matching, first) as one, browser(matching, second) as two:
        assert "You have a place." in (await answer(one, event_id, "accept")).text
        waiting = await answer(two, event_id, "accept")
        assert "You are on the waiting list, number 1." in waiting.text
        assert "12 Mill Lane" not in waiting.text
        assert "sam@riverside.example.org" not in waiting.text

        gone = await answer(one, event_id, "withdraw")

        assert "You have given up your place." in gone.text
        assert "You have no places at events yet." in gone.text
        stored = await matching.db["events"].find_one({"_id": event_id})
        assert stored is not None
        assert stored["accepted"] == [second]
        assert stored["waitlist"] == []
        await seen(
            probe,
            "match.accepted",
            where=lambda e: e["data"]["person_id"] == second and e["data"]["from_waitlist"],
        )
        now = await two.get("/my/events")
        assert "You have a place. Your place code is" in now.text
        assert "12 Mill Lane" in now.text


async def test_declining_an_invitation_there_removes_it(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, [person] = await listed(matching, probe, volunteers=1, places=1)
    async with browser(matching, person) as http:
        declined = await answer(http, event_id, "decline")
    assert "Thank you for answering." in declined.text
    assert "No invitations waiting for an answer." in declined.text
    await seen(probe, "match.declined", where=lambda e: e["data"]["person_id"] == person)


async def test_sharing_my_email_with_the_organiser_can_be_turned_on_and_off(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, [person] = await listed(matching, probe, volunteers=1, places=1)
    async with browser(matching, person) as http:
        await answer(http, event_id, "accept")
        shared = await http.post(f"/my/events/{event_id}/sharing", data={"share": "yes"})
        page = await http.get(shared.headers["location"])
        assert "The organiser can now see your email address." in page.text
        stored = await matching.db["events"].find_one({"_id": event_id})
        assert stored is not None
        assert stored["sharing"] == [person]
        await seen(
            probe,
            "match.sharing_changed",
            where=lambda e: e["data"]["person_id"] == person and e["data"]["share_contact"],
        )

        stopped = await http.post(f"/my/events/{event_id}/sharing", data={"share": "no"})
        page = await http.get(stopped.headers["location"])
        assert "The organiser cannot see your email address." in page.text
        stored = await matching.db["events"].find_one({"_id": event_id})
        assert stored is not None
        assert stored["sharing"] == []


async def test_someone_else_cannot_answer_or_share_for_an_event_they_were_not_invited_to(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, [_] = await listed(matching, probe, volunteers=1, places=1)
    stranger = str(uuid.uuid4())
    async with browser(matching, stranger) as http:
        await answer(http, event_id, "accept")
        await http.post(f"/my/events/{event_id}/sharing", data={"share": "yes"})
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert (stored["accepted"], stored["sharing"]) == ([], [])


async def test_past_events_say_whether_attendance_was_marked(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, [came, missed] = await listed(matching, probe, volunteers=2, places=2)
    async with browser(matching, came) as one, browser(matching, missed) as two:
        await answer(one, event_id, "accept")
        await answer(two, event_id, "accept")
        matching.clock.advance(days=8)
        before = await one.get("/my/events")
        assert "Attendance not marked yet." in before.text
        codes = {
            attendance.place_code(uuid.UUID(event_id), uuid.UUID(came)): True,
            attendance.place_code(uuid.UUID(event_id), uuid.UUID(missed)): False,
        }
        await attendance.record_attendance(
            uuid.UUID(event_id), codes, correlation_id="t", ctx=matching.ctx
        )
        thanked = await one.get("/my/events")
        neutral = await two.get("/my/events")
    assert "Past events" in thanked.text
    assert "The organiser marked you as there. Thank you!" in thanked.text
    assert "You have no places at events yet." in thanked.text
    assert "Attendance marked." in neutral.text
    assert "marked you as there" not in neutral.text


async def test_without_a_genuine_session_the_page_links_to_signing_in_and_back(
    matching: Matching,
) -> None:
    forged = SiteTokens("x" * 40).issue(SitePurpose.SESSION, uuid.uuid4())
    async with browser(matching) as http:
        plain = await http.get("/my/events")
        http.cookies.set(SESSION_COOKIE, forged)
        faked = await http.get("/my/events")
        refused = await http.post(f"/my/events/{uuid.uuid4()}/answer", data={"answer": "accept"})
    for page in (plain, faked):
        assert page.status_code == 200
        assert "Invitations" not in page.text
        [href] = [
            part.split('"')[0]
            for part in page.text.split('href="')[1:]
            if "/my/sign-in" in part.split('"')[0]
        ]
        url = urlsplit(href.replace("&amp;", "&"))
        addresses = matching.ctx.links.addresses
        assert f"{url.scheme}://{url.netloc}{url.path}" == addresses.url("signups", "/my/sign-in")
        assert parse_qs(url.query)["next"] == [addresses.url("matching", "/my/events")]
    assert (refused.status_code, refused.headers["location"]) == (303, "/my/events")


async def test_spoken_times_are_in_uk_time_in_english_and_welsh() -> None:
    from datetime import UTC, datetime

    starts = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    summer = datetime(2027, 7, 3, 11, 0, tzinfo=UTC)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert (
        spoken_span(starts, starts.replace(hour=14, minute=30), "en", now=now)
        == "Saturday 5 December, 12:00 to 14:30"
    )
    assert (
        spoken_span(starts, starts.replace(hour=14, minute=30), "cy", now=now)
        == "Dydd Sadwrn 5 Rhagfyr, 12:00 tan 14:30"
    )
    assert (
        spoken_span(summer, summer.replace(hour=13), "en", now=now)
        == "Saturday 3 July 2027, 12:00 to 14:00"
    )


async def test_the_session_signups_starts_opens_my_events_here(
    matching: Matching, service_settings: dict[str, Any], rabbitmq_url: str
) -> None:
    """Both apps: a volunteer signs in at signups by the emailed link; matching knows them."""
    from signups.bootstrap import create_app as signups_app
    from signups.settings import Settings as SignupsSettings

    settings = SignupsSettings(
        **{**service_settings, "mongodb_database": service_settings["mongodb_database"] + "s"},
        join_rate_limit="1000/minute",
        outbox_poll_seconds=0.2,
    )
    app = signups_app(settings)
    email = f"ann.{uuid.uuid4().hex[:8]}@example.org"
    keys = ["volunteer.registered", "person.sign_in_requested"]
    async with (
        app.router.lifespan_context(app),
        event_probe(rabbitmq_url, keys) as links,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as joiner,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as phone,
    ):
        form = {"name": "Ann", "email": email, "postcode": "M1 1AE", "travel_radius_km": "10"}
        await joiner.post("/join", data=form)
        [registered] = await seen(links, "volunteer.registered", where=lambda e: True)
        await joiner.post(urlsplit(registered["data"]["confirm_url"]).path)
        await phone.post("/my/sign-in", data={"contact": email})
        [asked] = await seen(links, "person.sign_in_requested", where=lambda e: True)
        signed = await phone.post(urlsplit(asked["data"]["sign_in_url"]).path)
        assert signed.status_code == 303
        cookie = phone.cookies[SESSION_COOKIE]

    async with browser(matching) as http:
        http.cookies.set(SESSION_COOKIE, cookie)
        page = await http.get("/my/events")
    assert "Invitations" in page.text
    assert "My places" in page.text
    assert "/my/sign-in" not in page.text


async def test_the_response_page_gives_the_reasons_in_the_readers_language(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, [_person] = await listed(matching, probe, volunteers=1, places=2)
    [proposal] = await seen(
        probe,
        "match.proposed",
        where=lambda e: e["data"]["event"]["event_id"] == event_id,
    )
    assert proposal["data"]["why"] == {
        "distance_km": 0.0,
        "interests": ["food-and-mutual-aid"],
        "slot": "weekends",
    }
    assert proposal["data"]["reasons"][0] == "in your area"
    respond = f"/r/{token_of(proposal['data']['respond_url'])}"

    async with browser(matching) as http:
        english = await http.get(respond)
        welsh = await http.get(respond, params={"lang": "cy"})

    assert english.status_code == 200
    for said in ("In your area", "You like: Food and mutual aid", "usually free then: Weekends"):
        assert said in english.text, said
    for said in ("Yn eich ardal chi", "Rydych yn hoffi: Bwyd a chyd-gymorth", "Penwythnosau"):
        assert said in welsh.text, said
    assert "km away" not in english.text


async def test_my_events_data_downloads_what_matching_holds_about_me_only(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, [person, other] = await listed(matching, probe, volunteers=2, places=1)
    async with browser(matching, person) as http:
        await answer(http, event_id, "accept")
        await http.post(f"/my/events/{event_id}/sharing", data={"share": "yes"})
        page = await http.get("/my/events")
        assert "/my/events/data.json" in page.text
        download = await http.get("/my/events/data.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    held = download.json()
    assert held["person_id"] == person
    assert held["volunteer"]["person_id"] == person
    [mine] = held["events"]
    assert (mine["event_id"], mine["answer"]) == (event_id, "accepted")
    assert mine["shares_email_with_organiser"] is True
    assert mine["offered_at"]
    assert other not in download.text
    async with browser(matching) as http:
        anonymous = await http.get("/my/events/data.json")
    assert anonymous.status_code == 303
    assert "/my/sign-in" in anonymous.headers["location"]
