"""The volunteer's page "My together" at /my, in-process on the real broker and store: signing
in by an emailed single-use link, the details page, changes through the confirm link, my data, forget me."""

import hashlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from signups.bootstrap import create_app
from signups.settings import Settings
from together_kit.settings import ServiceSettings
from together_kit.testing.probe import EventProbe, event_probe
from together_kit.testing.waiting import eventually
from together_kit.testing.welsh import english_left
from together_kit.web.site import SESSION_COOKIE, SIGN_IN_MAX_AGE_SECONDS, SitePurpose, SiteTokens

from .test_web_pages import Page, unique_email, volunteer_form

pytestmark = pytest.mark.integration

Document = dict[str, Any]
EVENTS = [
    "volunteer.registered",
    "volunteer.change_requested",
    "person.sign_in_requested",
    "person.erasure_requested",
]
MATCHING = str(ServiceSettings.model_fields["matching_public_url"].default)
"""Where signups believes matching is, by default (these tests set no addresses)."""
MATCHING_EVENTS = f"{MATCHING}/my/events"


@dataclass
class Signups:
    app: FastAPI
    db: AsyncDatabase[Document]
    settings: Settings

    def client(self) -> httpx.AsyncClient:
        """A browser of its own: its own cookies."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://test"
        )


@pytest.fixture
async def start(
    rabbitmq_url: str, mongodb_url: str, database_name: str
) -> AsyncIterator[Callable[..., Awaitable[Signups]]]:
    inspector: AsyncMongoClient[Document] = AsyncMongoClient(
        mongodb_url, tz_aware=True, uuidRepresentation="standard"
    )
    async with AsyncExitStack() as stack:
        stack.push_async_callback(inspector.close)

        async def started(**options: Any) -> Signups:
            settings = Settings(
                rabbitmq_url=rabbitmq_url,
                mongodb_url=mongodb_url,
                mongodb_database=database_name,
                port=0,
                outbox_poll_seconds=0.2,
                **{"join_rate_limit": "1000/minute", **options},
            )
            app = create_app(settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            return Signups(app, inspector[database_name], settings)

        yield started


@pytest.fixture
async def signups(start: Callable[..., Awaitable[Signups]]) -> Signups:
    return await start()


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, EVENTS) as probe:
        yield probe


async def sent(probe: EventProbe, event_type: str, person_id: str, count: int = 1) -> list[Any]:
    async def found() -> list[dict[str, Any]]:
        return [
            e
            for e in probe.events
            if e["type"] == event_type and e["data"].get("person_id") == person_id
        ]

    return await eventually(found, until=lambda f: len(f) >= count, what=event_type)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def volunteer(signups: Signups, probe: EventProbe, **changes: Any) -> tuple[str, str]:
    """A confirmed volunteer (joined and confirmed in a browser of their own): email, id."""
    email = unique_email()
    async with signups.client() as http:
        assert (await http.post("/join", data=volunteer_form(email, **changes))).status_code == 303
        person = await signups.db["people"].find_one({"email": email})
        assert person is not None
        [registered] = await sent(probe, "volunteer.registered", person["_id"])
        confirmed = await http.post(path_of(registered["data"]["confirm_url"]))
        assert "Your email address is confirmed" in confirmed.text
    return email, str(person["_id"])


async def sign_in_link(signups: Signups, probe: EventProbe, email: str, person_id: str) -> str:
    before = len([e for e in probe.events if e["type"] == "person.sign_in_requested"])
    async with signups.client() as http:
        asked = await http.post("/my/sign-in", data={"contact": email})
    assert asked.status_code == 200
    found = await sent(probe, "person.sign_in_requested", person_id, count=before + 1)
    return path_of(found[-1]["data"]["sign_in_url"])


@asynccontextmanager
async def signed_in_client(
    signups: Signups, probe: EventProbe, email: str, person_id: str
) -> AsyncIterator[httpx.AsyncClient]:
    link = await sign_in_link(signups, probe, email, person_id)
    async with signups.client() as http:
        assert (await http.post(link)).status_code == 303
        yield http


async def test_asking_for_a_link_says_the_same_for_anyone_and_only_a_volunteer_is_sent_one(
    signups: Signups, probe: EventProbe
) -> None:
    email, person_id = await volunteer(signups, probe)
    unconfirmed = unique_email()
    async with signups.client() as http:
        await http.post("/join", data=volunteer_form(unconfirmed))
        pages = [
            await http.post("/my/sign-in", data={"contact": address})
            for address in (unique_email("nobody"), unconfirmed, email)
        ]

    assert {page.status_code for page in pages} == {200}
    assert len({Page(page.text).text for page in pages}) == 1
    assert "If this address belongs to a volunteer, we have emailed it a link" in pages[0].text
    [requested] = await sent(probe, "person.sign_in_requested", person_id)
    assert requested["data"]["sign_in_url"].startswith(
        signups.settings.public_base_url + "/my/sign-in/"
    )
    assert requested["data"]["language"] == "cy"
    staged = [e for e in probe.events if e["type"] == "person.sign_in_requested"]
    assert [e["data"]["person_id"] for e in staged] == [person_id]


async def test_the_link_shows_a_button_only_the_post_signs_in_and_it_works_once(
    signups: Signups, probe: EventProbe
) -> None:
    email, person_id = await volunteer(signups, probe)
    link = await sign_in_link(signups, probe, email, person_id)

    async with signups.client() as http:
        looked = await http.get(link)
        assert looked.status_code == 200
        assert Page(looked.text).find("form", method="post")
        assert SESSION_COOKIE not in looked.headers.get("set-cookie", "")
        assert "Sign in to My together" in (await http.get("/my")).text

        signed = await http.post(link)
        assert (signed.status_code, signed.headers["location"]) == (303, "/my")
        assert SESSION_COOKIE in signed.headers["set-cookie"]
        mine = await http.get("/my")
        assert f"Signed in as {email}" in mine.text
        assert MATCHING_EVENTS in mine.text

    async with signups.client() as again:
        spent = await again.post(link)
        assert spent.status_code == 404
        assert "This sign-in link does not work" in spent.text
        assert Page(spent.text).by_id("field-contact")
        assert SESSION_COOKIE not in spent.headers.get("set-cookie", "")
        assert "Signed in as" not in (await again.get("/my")).text
        tampered = await again.get(link[:-3] + "xyz")
        assert tampered.status_code == 404
        assert Page(tampered.text).by_id("field-contact")


async def test_a_forged_or_foreign_session_is_not_signed_in(
    signups: Signups, probe: EventProbe
) -> None:
    _, person_id = await volunteer(signups, probe)
    forged = SiteTokens("x" * 40).issue(SitePurpose.SESSION, uuid.UUID(person_id))
    sign_in = SiteTokens(signups.settings.site_keys()).issue(
        SitePurpose.SIGN_IN, uuid.UUID(person_id), "n"
    )
    for cookie in (forged, sign_in):
        async with signups.client() as http:
            http.cookies.set(SESSION_COOKIE, cookie)
            page = await http.get("/my")
            assert "Sign in to My together" in page.text
            assert "Signed in as" not in page.text
            assert (await http.get("/my/data.json")).status_code == 303


async def test_next_is_kept_through_the_link_when_it_is_on_this_site(
    signups: Signups, probe: EventProbe
) -> None:
    email, person_id = await volunteer(signups, probe)
    async with signups.client() as http:
        form = await http.get("/my/sign-in", params={"next": MATCHING_EVENTS})
        assert Page(form.text).find("input", name="next", value=MATCHING_EVENTS)
        await http.post("/my/sign-in", data={"contact": email, "next": MATCHING_EVENTS})
        [asked] = await sent(probe, "person.sign_in_requested", person_id)
        url = asked["data"]["sign_in_url"]
        assert parse_qs(urlsplit(url).query)["next"] == [MATCHING_EVENTS]
        went = await http.post(path_of(url))
        assert (went.status_code, went.headers["location"]) == (303, MATCHING_EVENTS)

        await http.post("/my/sign-in", data={"contact": email, "next": "https://evil.example/x"})
        [_, second] = await sent(probe, "person.sign_in_requested", person_id, count=2)
        assert "next" not in urlsplit(second["data"]["sign_in_url"]).query
        tricked = await http.post(path_of(second["data"]["sign_in_url"]) + "?next=//evil.example")
        assert tricked.headers["location"] == "/my"


async def test_sign_in_links_count_against_the_addresss_emails_for_the_day(
    start: Callable[..., Awaitable[Signups]], probe: EventProbe
) -> None:
    signups = await start(emails_per_address_per_day=2)
    email, person_id = await volunteer(signups, probe)
    async with signups.client() as http:
        for _ in range(3):
            assert (await http.post("/my/sign-in", data={"contact": email})).status_code == 200
    await sent(probe, "person.sign_in_requested", person_id)
    person = await signups.db["people"].find_one({"_id": person_id})
    assert person is not None
    staged = [e for e in probe.events if e["type"] == "person.sign_in_requested"]
    assert len(staged) == 1


async def test_a_change_on_my_page_applies_nothing_until_the_emailed_link(
    signups: Signups, probe: EventProbe
) -> None:
    email, person_id = await volunteer(signups, probe)
    async with signed_in_client(signups, probe, email, person_id) as http:
        changed = volunteer_form("ignored@example.org", name="Ann Arall", postcode="M1 1AE")
        changed.pop("consent_news")
        asked = await http.post("/my/details", data=changed)
        assert (asked.status_code, asked.headers["location"]) == (303, "/my?done=change-sent")
        page = await http.get(asked.headers["location"])
        assert "Check your email to confirm the changes." in page.text
        assert "Some changes are waiting for you to confirm them" in page.text

        stored = await signups.db["people"].find_one({"_id": person_id})
        assert stored is not None
        assert (stored["name"], stored["email"], stored["consents"]) == (
            "Ann Jones",
            email,
            ["matched-events", "news"],
        )
        assert stored["pending_change"]["details"]["name"] == "Ann Arall"
        assert stored["pending_change"]["details"]["email"] == email
        [link] = await sent(probe, "volunteer.change_requested", person_id)
        assert link["data"]["email"] == email
        await http.post(path_of(link["data"]["confirm_url"]))

        after = await signups.db["people"].find_one({"_id": person_id})
        assert after is not None
        assert (after["name"], after["postcode"], after["consents"]) == (
            "Ann Arall",
            "M1 1AE",
            ["matched-events"],
        )
        assert after["consent_log"][-1]["consent"] == "news"
        assert after["consent_log"][-1]["granted"] is False
        assert after["consent_log"][-1]["source"] == "change-link"
        assert "Ann Arall" in (await http.get("/my")).text

        wrong = await http.post("/my/details", data={**changed, "postcode": "nowhere"})
        assert wrong.status_code == 422
        assert "Enter a real UK postcode" in wrong.text


async def test_my_data_is_everything_held_with_the_consent_log_and_no_link_secrets(
    signups: Signups, probe: EventProbe
) -> None:
    email, person_id = await volunteer(signups, probe, phone="07700 900 982", channels="email sms")
    async with signed_in_client(signups, probe, email, person_id) as http:
        signature = {"kind": "person", "name": "Ann", "email": email, "nation": "wales"}
        assert (await http.post("/api/v1/letter/signatures", json=signature)).status_code == 202
        download = await http.get("/my/data.json")

    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    held = json.loads(download.text)
    mine = held["volunteer"]
    assert mine["id"] == person_id
    assert mine["details"]["email"] == email
    assert mine["details"]["phone"] == "+447700900982"
    assert mine["details"]["channels"] == ["email", "sms"]
    assert {(r["consent"], r["granted"], r["source"]) for r in mine["consent_log"]} == {
        ("matched-events", True, "form"),
        ("news", True, "form"),
        ("texts", True, "form"),
    }
    [signed] = held["letter_signatures"]
    assert (signed["details"]["name"], signed["details"]["nation"]) == ("Ann", "wales")
    assert "nonce" not in download.text


async def test_forget_me_asks_first_then_erases_and_signs_out(
    signups: Signups, probe: EventProbe
) -> None:
    email, person_id = await volunteer(signups, probe)
    async with signed_in_client(signups, probe, email, person_id) as http:
        asked = await http.get("/my/forget")
        assert "Delete your details" in asked.text
        assert await signups.db["people"].find_one({"_id": person_id}) is not None

        done = await http.post("/my/forget")

        assert "Your details have been deleted" in done.text
        assert await signups.db["people"].find_one({"_id": person_id}) is None
        [erasure] = await sent(probe, "person.erasure_requested", person_id)
        assert erasure["data"]["email_digest"]
        assert "Sign in to My together" in (await http.get("/my")).text


async def test_signing_out_ends_the_session(signups: Signups, probe: EventProbe) -> None:
    email, person_id = await volunteer(signups, probe)
    async with signed_in_client(signups, probe, email, person_id) as http:
        out = await http.post("/my/sign-out")
        assert out.status_code == 303
        page = await http.get(out.headers["location"])
        assert "You have signed out." in page.text
        assert "Signed in as" not in page.text


async def test_joining_with_next_offers_to_continue_after_confirming(
    signups: Signups, probe: EventProbe
) -> None:
    onward = f"{MATCHING}/events/e1/help"
    email = unique_email()
    async with signups.client() as http:
        form = await http.get("/join", params={"next": onward})
        assert Page(form.text).find("input", name="next", value=onward)
        sent_form = {**volunteer_form(email), "next": onward}
        assert (await http.post("/join", data=sent_form)).status_code == 303
        person = await signups.db["people"].find_one({"email": email})
        assert person is not None
        [registered] = await sent(probe, "volunteer.registered", person["_id"])
        link = path_of(registered["data"]["confirm_url"])
        assert parse_qs(urlsplit(link).query)["next"] == [onward]
        shown = await http.get(link)
        assert Page(shown.text).find("form", method="post")
        confirmed = await http.post(link)
        assert Page(confirmed.text).find("a", href=onward)
        assert SESSION_COOKIE in confirmed.headers["set-cookie"]
        assert f"Signed in as {email}" in (await http.get("/my")).text

        elsewhere = await http.get("/join", params={"next": "https://evil.example/"})
        assert not Page(elsewhere.text).find("input", name="next")


async def test_my_together_pages_are_in_welsh(signups: Signups, probe: EventProbe) -> None:
    entries = signups.app.state.pages.catalogues.catalogue_entries("cy")
    email, person_id = await volunteer(signups, probe)
    link = await sign_in_link(signups, probe, email, person_id)
    cy = {"lang": "cy"}
    pages: dict[str, str] = {}
    async with signups.client() as http:
        pages["sign in"] = (await http.get("/my", params=cy)).text
        pages["sent"] = (await http.post("/my/sign-in", params=cy, data={"contact": email})).text
        pages["errors"] = (await http.post("/my/sign-in", params=cy, data={"contact": "x"})).text
        pages["broken"] = (await http.get("/my/sign-in/nonsense", params=cy)).text
        pages["button"] = (await http.get(link, params=cy)).text
        await http.post(link)
        pages["mine"] = (await http.get("/my", params=cy)).text
        pages["forget"] = (await http.get("/my/forget", params=cy)).text
    for name, html in pages.items():
        assert '<html lang="cy">' in html, name
        assert english_left(html, entries) == [], name
    assert "Mewngofnodi i Fy together" in pages["sign in"]
    assert "Wedi mewngofnodi fel" in pages["mine"]


async def test_asking_for_links_too_often_is_refused_politely(
    start: Callable[..., Awaitable[Signups]],
) -> None:
    signups = await start(join_rate_limit="1/minute")
    async with signups.client() as http:
        first = await http.post("/my/sign-in", data={"contact": unique_email()})
        second = await http.post("/my/sign-in", data={"contact": unique_email()})
    assert first.status_code == 200
    assert second.status_code == 429
    assert "Too many attempts" in second.text


async def test_an_expired_link_gets_a_clear_page_with_the_form_for_a_new_one(
    signups: Signups, probe: EventProbe
) -> None:
    _, person_id = await volunteer(signups, probe)
    then = int(time.time()) - SIGN_IN_MAX_AGE_SECONDS - 60

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return then

    old = URLSafeTimedSerializer(
        signups.settings.site_keys().verifying("together.site"),
        salt="together.site",
        signer=Then,
        signer_kwargs={"digest_method": hashlib.sha256},
    ).dumps(["sign-in", person_id, "n"])
    async with signups.client() as http:
        looked = await http.get(f"/my/sign-in/{old}", params={"next": "/my"})
        pressed = await http.post(f"/my/sign-in/{old}")
    for page in (looked, pressed):
        assert page.status_code == 410
        assert "This sign-in link has expired" in page.text
        assert Page(page.text).by_id("field-contact")
    assert Page(looked.text).find("input", name="next", value="/my")
