"""The public pages of signups in-process against the real broker and store: forms in, people out."""

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from signups.bootstrap import create_app
from signups.settings import Settings
from together_contracts import PledgeApproved, PledgeOutcomeData, PledgeRejected
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

Document = dict[str, Any]
LINK_EVENTS = [
    "volunteer.registered",
    "volunteer.change_requested",
    "organisation.joined",
    "person.erasure_link_requested",
]


@dataclass
class Site:
    app: FastAPI
    http: httpx.AsyncClient
    db: AsyncDatabase[Document]
    settings: Settings


@pytest.fixture
async def site_factory(
    rabbitmq_url: str, mongodb_url: str, database_name: str
) -> AsyncIterator[Callable[..., Awaitable[Site]]]:
    """Start the app with a given join rate limit; every app started is stopped at the end."""
    inspector: AsyncMongoClient[Document] = AsyncMongoClient(
        mongodb_url, tz_aware=True, uuidRepresentation="standard"
    )
    async with AsyncExitStack() as stack:
        stack.push_async_callback(inspector.close)

        async def start(join_rate_limit: str = "1000/minute") -> Site:
            settings = Settings(
                rabbitmq_url=rabbitmq_url,
                mongodb_url=mongodb_url,
                mongodb_database=database_name,
                port=0,
                join_rate_limit=join_rate_limit,
                outbox_poll_seconds=0.2,
            )
            app = create_app(settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            http = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
            )
            return Site(app, http, inspector[database_name], settings)

        yield start


@pytest.fixture
async def site(site_factory: Callable[..., Awaitable[Site]]) -> Site:
    return await site_factory()


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, LINK_EVENTS) as probe:
        yield probe


class Page(HTMLParser):
    """The parts of a page these tests look at: elements by id, labels, links, visible text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text_parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def find(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.elements
            if name == tag and all(attrs.get(k) == v for k, v in wanted.items())
        ]

    def by_id(self, element_id: str) -> dict[str, str]:
        [found] = [attrs for _, attrs in self.elements if attrs.get("id") == element_id]
        return found

    def controls(self) -> list[dict[str, str]]:
        return [
            attrs
            for tag, attrs in self.elements
            if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden"
        ]

    def summary_links(self) -> list[str]:
        links = [attrs["href"] for tag, attrs in self.elements if tag == "a" and "href" in attrs]
        return [href for href in links if href.startswith("#field-")]


def unique_email(local: str = "ann") -> str:
    return f"{local}.{uuid.uuid4().hex[:8]}@example.org"


def volunteer_form(email: str, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": "Ann Jones",
        "email": email,
        "postcode": "cf10 1aa",
        "phone": "",
        "interests": ["befriending-and-loneliness", "sport"],
        "availability": ["weekends"],
        "travel_radius_km": "15",
        "language": "cy",
        "consent_matched_events": "yes",
        "consent_news": "yes",
        "website": "",
    }
    return {**form, **changes}


def organisation_form(email: str, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": f"Riverside Kitchen {uuid.uuid4().hex[:6]}",
        "organisation_type": "community-group",
        "contact_name": "Sam Patel",
        "contact_email": email,
        "postcode": "M1 1AE",
        "language": "en",
        "pledge": "We will host a monthly lunch.\n\nEveryone is welcome.",
        "pledge_categories": ["food-and-mutual-aid", "community-events"],
        "website": "",
    }
    return {**form, **changes}


async def link_for(
    probe: EventProbe, event_type: str, email: str, link: str = "confirm_url"
) -> str:
    """The path of a link an event carries for `email`, as its email would show it."""

    async def matching() -> list[dict[str, Any]]:
        return [
            event
            for event in probe.events
            if event["type"] == event_type
            and email in {event["data"].get("email"), event["data"].get("contact_email")}
        ]

    [event, *_] = await eventually(matching, what=f"{event_type} for {email}")
    return str(urlsplit(event["data"][link]).path)


async def refused(site: Site, path: str, form: dict[str, Any], **request: Any) -> Page:
    """Posts a form that the page refuses (422); the page that says why."""
    response = await site.http.post(path, data=form, **request)
    assert response.status_code == 422
    return Page(response.text)


async def joined(site: Site, email: str, **changes: Any) -> Document:
    response = await site.http.post("/join", data=volunteer_form(email, **changes))
    assert response.status_code == 303, response.text
    person = await site.db["people"].find_one({"email": email})
    assert person is not None
    return person


async def test_the_home_page_leads_to_everything_people_come_to_do(site: Site) -> None:
    """The front door: what together is, and a link to each page of talk, do and the coalition,
    at the public address of the service that serves it; the site's navigation marks it home."""
    addresses = site.settings.addresses()
    english = await site.http.get("/")
    assert english.status_code == 200
    page = Page(english.text)
    assert "kinder, closer and more connected country" in page.text
    assert "COVID-19" in page.text
    links = {attrs["href"] for tag, attrs in page.elements if tag == "a" and "href" in attrs}
    wanted = [
        addresses.url("moderation", "/share"),
        addresses.url("moderation", "/stories"),
        addresses.url("matching", "/events"),
        "/join",
        addresses.url("matching", "/events/new"),
        addresses.url("matching", "/gaps"),
        "/join/organisation",
        "/pledges",
    ]
    assert set(wanted) <= links, links
    assert page.find("a", href=addresses.url("signups", "/"), **{"aria-current": "page"})
    assert page.find("a", href="/?lang=cy", hreflang="cy")

    welsh = await site.http.get("/", params={"lang": "cy"})
    assert welsh.status_code == 200
    assert '<html lang="cy">' in welsh.text
    assert "Mae together yn glymblaid" in welsh.text
    assert set(wanted) <= {
        attrs["href"] for tag, attrs in Page(welsh.text).elements if tag == "a" and "href" in attrs
    }


async def test_join_form_labels_every_control_and_has_a_honeypot(site: Site) -> None:
    response = await site.http.get("/join")

    assert response.status_code == 200
    page = Page(response.text)
    labelled = {attrs["for"] for attrs in page.find("label")}
    controls = page.controls()
    assert {c["name"] for c in controls} >= {
        "name",
        "email",
        "postcode",
        "phone",
        "interests",
        "availability",
        "travel_radius_km",
        "language",
        "consent_matched_events",
        "consent_news",
        "connector",
        "website",
    }
    assert [c["id"] for c in controls if c["id"] not in labelled] == []
    honeypot = page.by_id("field-website")
    assert honeypot["tabindex"] == "-1"
    assert honeypot["autocomplete"] == "off"
    assert page.find("form", method="post")[0].get("novalidate") is not None
    assert page.by_id("field-travel_radius_km")["value"] == "10"
    assert "checked" not in page.by_id("field-consent_news")
    # Invitations reach people by the channel they choose (a text too), so the consent says "tell".
    assert "Tell me about events near me that match my interests" in response.text
    assert "replying STOP to a text" in response.text


async def test_join_with_errors_shows_each_and_keeps_the_values(site: Site) -> None:
    form = volunteer_form(
        "ann@", name="  ", postcode="nonsense", travel_radius_km="500", phone="012"
    )

    page = await refused(site, "/join", form)
    assert page.summary_links() == [
        "#field-name",
        "#field-email",
        "#field-postcode",
        "#field-phone",
        "#field-travel_radius_km",
    ]
    assert page.by_id("error-summary")["tabindex"] == "-1"
    assert "Enter your name" in page.text
    assert "Enter your email address in the correct format, like name@example.com" in page.text
    assert "Enter a real UK postcode, like SW1A 1AA" in page.text
    assert "Enter a whole number of kilometres from 1 to 200" in page.text
    assert page.by_id("email-error")
    assert page.by_id("field-email")["aria-invalid"] == "true"
    assert page.by_id("field-email")["value"] == "ann@"
    assert page.by_id("field-postcode")["value"] == "nonsense"
    assert page.by_id("field-travel_radius_km")["value"] == "500"
    assert "checked" in page.by_id("field-consent_news")
    checked = {a["value"] for a in page.find("input", name="interests") if "checked" in a}
    assert checked == {"befriending-and-loneliness", "sport"}
    assert page.html.count("<title>Error:") == 1
    assert "ValidationError" not in page.html
    assert await site.db["people"].count_documents({}) == 0


@pytest.mark.parametrize(
    ("postcode", "welsh", "message"),
    [
        ("AA1 1AA", False, "Enter a real UK postcode, like SW1A 1AA"),
        ("gir 0aa", True, "Rhowch god post go iawn yn y DU, fel SW1A 1AA"),
    ],
)
async def test_a_postcode_whose_district_cannot_be_placed_is_shown_inline(
    site: Site, postcode: str, welsh: bool, message: str
) -> None:
    language = {"params": {"lang": "cy"}} if welsh else {}

    page = await refused(
        site, "/join", volunteer_form(unique_email(), postcode=postcode), **language
    )
    assert page.summary_links() == ["#field-postcode"]
    assert page.by_id("postcode-error")
    assert message in page.text
    assert page.by_id("field-postcode")["value"] == postcode
    assert await site.db["people"].count_documents({}) == 0


async def test_a_real_district_missing_from_the_table_is_joined(site: Site) -> None:
    person = await joined(site, unique_email(), postcode="ze9 9zz")

    assert (person["postcode"], person["outward_code"]) == ("ZE9 9ZZ", "ZE9")


async def test_missing_answers_ask_for_them(site: Site) -> None:
    page = await refused(site, "/join", {"travel_radius_km": ""})
    assert page.summary_links() == [
        "#field-name",
        "#field-email",
        "#field-postcode",
        "#field-travel_radius_km",
    ]
    for message in (
        "Enter your email address",
        "Enter your postcode",
        "Enter how far you could travel, in kilometres",
    ):
        assert message in page.text


async def test_join_stores_the_person_and_redirects_to_thanks(site: Site) -> None:
    email = unique_email()

    response = await site.http.post("/join", data=volunteer_form(email.upper()))

    assert response.status_code == 303
    assert response.headers["location"] == "/join/thanks"
    person = await site.db["people"].find_one({"email": email})
    assert person is not None
    assert person["postcode"] == "CF10 1AA"
    assert person["interests"] == ["befriending-and-loneliness", "sport"]
    assert person["availability"] == ["weekends"]
    assert person["travel_radius_km"] == 15
    assert person["language"] == "cy"
    assert person["consents"] == ["matched-events", "news"]
    assert person["connector"] is False
    assert {record["source"] for record in person["consent_log"]} == {"form"}
    thanks = await site.http.get(response.headers["location"])
    assert thanks.status_code == 200
    assert "We are sending an email to the address you gave" in thanks.text
    assert "nothing changes until you follow the link" in thanks.text


async def test_joining_again_changes_nothing_and_shows_the_same_page(
    site: Site, probe: EventProbe
) -> None:
    email = unique_email()
    first = await joined(site, email)
    confirmed = await site.http.post(await link_for(probe, "volunteer.registered", email))
    assert confirmed.status_code == 200
    known = await site.http.post("/join", data=volunteer_form(email, name="Mallory"))
    new = await site.http.post("/join", data=volunteer_form(unique_email()))

    again = await site.db["people"].find_one({"email": email})

    assert (known.status_code, known.headers["location"]) == (303, "/join/thanks")
    assert (new.status_code, new.headers["location"]) == (303, "/join/thanks")
    assert again is not None
    assert again["_id"] == first["_id"]
    assert (again["name"], again["status"]) == ("Ann Jones", "confirmed")
    assert again["pending_change"]["details"]["name"] == "Mallory"
    change = await link_for(probe, "volunteer.change_requested", email)
    shown = await site.http.get(change)
    assert "Confirm the changes to your details" in shown.text
    assert "Mallory" in shown.text
    applied = await site.http.post(change)
    assert "Your changes are saved" in applied.text
    after = await site.db["people"].find_one({"email": email})
    assert after is not None
    assert (after["name"], after["pending_change"]) == ("Mallory", None)


async def test_filled_honeypot_is_thanked_and_nothing_stored(site: Site) -> None:
    form = volunteer_form(unique_email(), website="https://spam.example")

    response = await site.http.post("/join", data=form)

    assert response.status_code == 303
    assert response.headers["location"] == "/join/thanks"
    assert await site.db["people"].count_documents({}) == 0


async def test_too_many_joins_get_a_page_asking_to_wait(
    site_factory: Callable[..., Awaitable[Site]],
) -> None:
    site = await site_factory(join_rate_limit="1/minute")
    await joined(site, unique_email())

    response = await site.http.post("/join", data=volunteer_form(unique_email()))

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["content-type"].startswith("text/html")
    assert "Too many attempts" in response.text
    assert await site.db["people"].count_documents({}) == 1


async def test_organisation_joins_with_a_pledge(site: Site) -> None:
    form = organisation_form(unique_email("sam"))

    response = await site.http.post("/join/organisation", data=form)

    assert response.status_code == 303
    assert response.headers["location"] == "/join/organisation/thanks"
    organisation = await site.db["organisations"].find_one({"name": form["name"]})
    assert organisation is not None
    assert organisation["organisation_type"] == "community-group"
    assert organisation["postcode"] == "M1 1AE"
    assert organisation["pledge"]["categories"] == ["food-and-mutual-aid", "community-events"]
    assert organisation["confirmed_at"] is None
    thanks = await site.http.get("/join/organisation/thanks")
    assert "Thank you for your pledge" in thanks.text


async def test_organisation_form_errors_keep_the_values(site: Site) -> None:
    form = organisation_form("sam@example", organisation_type="", pledge=" ")

    page = await refused(site, "/join/organisation", form)
    assert page.summary_links() == [
        "#field-organisation_type",
        "#field-contact_email",
        "#field-pledge",
    ]
    assert "Choose the type of organisation" in page.text
    assert "Enter your pledge" in page.text
    assert page.by_id("field-name")["value"] == form["name"]
    assert page.by_id("field-contact_email")["value"] == "sam@example"
    assert await site.db["organisations"].count_documents({}) == 0


async def test_filled_honeypot_on_the_organisation_form_stores_nothing(site: Site) -> None:
    form = organisation_form(unique_email("sam"), website="buy now")

    response = await site.http.post("/join/organisation", data=form)

    assert response.status_code == 303
    assert await site.db["organisations"].count_documents({}) == 0


async def test_confirm_link_shows_a_button_and_only_the_button_confirms_once(
    site: Site, probe: EventProbe
) -> None:
    email = unique_email()
    person = await joined(site, email)
    link = await link_for(probe, "volunteer.registered", email)

    looked = await site.http.get(link)
    looked_again = await site.http.get(link)
    unconfirmed = await site.db["people"].find_one({"_id": person["_id"]})
    first = await site.http.post(link)
    second = await site.http.post(link)

    assert unconfirmed is not None
    assert unconfirmed["status"] == "pending"
    for page in (looked, looked_again):
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        assert "Confirm your email address" in page.text
        assert Page(page.text).find("form", method="post")
        assert "CF10 1AA" in page.text
    assert first.status_code == 200
    assert "Your email address is confirmed" in first.text
    assert second.status_code == 200
    assert "Your email address is already confirmed" in second.text
    stored = await site.db["people"].find_one({"_id": person["_id"]})
    assert stored is not None
    assert stored["status"] == "confirmed"


async def test_broken_and_expired_confirm_links(site: Site) -> None:
    broken = await site.http.get("/confirm/not-a-token")
    week_ago = int(time.time()) - 8 * 24 * 3600

    class IssuedLastWeek(TimestampSigner):
        def get_timestamp(self) -> int:
            return week_ago

    serializer = URLSafeTimedSerializer(
        site.settings.secret_key.get_secret_value(),
        salt="together.signups.links",
        signer=IssuedLastWeek,
    )
    token = serializer.dumps(["confirm-person", str(uuid.uuid4()), "nonce"])
    expired = await site.http.get(f"/confirm/{token}")

    assert broken.status_code == 404
    assert "This link does not work" in broken.text
    assert expired.status_code == 410
    assert "This link has expired" in expired.text


async def test_a_confirmed_pledge_is_public_only_once_approved_and_without_contact_details(
    site: Site, probe: EventProbe
) -> None:
    email = unique_email("sam")
    form = organisation_form(email, contact_name="Samira Contactperson")
    await site.http.post("/join/organisation", data=form)
    link = await link_for(probe, "organisation.joined", email)

    looked = await site.http.get(link)
    not_yet = await site.http.get("/pledges")
    confirmed = await site.http.post(link)
    waiting = await site.http.get("/pledges")
    organisation = await site.db["organisations"].find_one({"name": form["name"]})
    assert organisation is not None
    await publish_event(site.settings.rabbitmq_url, pledge_decided(PledgeApproved, organisation))
    pledges = await pledges_page(site, until=lambda page: form["name"] in page)

    assert form["name"] in looked.text
    assert "Confirm our pledge" in looked.text
    assert form["name"] not in not_yet.text
    assert confirmed.status_code == 200
    assert "A moderator will read your pledge" in confirmed.text
    assert 'href="/pledges"' in confirmed.text
    assert form["name"] not in waiting.text
    page = Page(pledges)
    assert "We will host a monthly lunch." in page.text
    assert "Everyone is welcome." in page.text
    assert "Food and mutual aid" in page.text
    assert "food-and-mutual-aid" not in pledges
    for private in (email, "Samira Contactperson", "M1 1AE"):
        assert private not in pledges


async def test_a_rejected_pledge_is_taken_down_and_a_late_approval_never_shows_it(
    site: Site, probe: EventProbe
) -> None:
    email = unique_email("sam")
    form = organisation_form(email)
    await site.http.post("/join/organisation", data=form)
    await site.http.post(await link_for(probe, "organisation.joined", email))
    organisation = await site.db["organisations"].find_one({"name": form["name"]})
    assert organisation is not None
    url = site.settings.rabbitmq_url
    await publish_event(url, pledge_decided(PledgeApproved, organisation))
    await pledges_page(site, until=lambda page: form["name"] in page)

    await publish_event(url, pledge_decided(PledgeRejected, organisation, reason="off-topic"))
    await pledges_page(site, until=lambda page: form["name"] not in page)
    late = pledge_decided(PledgeApproved, organisation)
    await publish_event(url, late)
    await eventually(
        lambda: site.db["inbox"].find_one({"event_id": str(late.id)}),
        what="the late approval consumed",
    )

    assert form["name"] not in await pledges_page(site)
    stored = await site.db["organisations"].find_one({"_id": organisation["_id"]})
    assert stored is not None
    assert stored["pledge_status"] == "rejected"
    assert stored["pledge_decision"]["reason"] == "off-topic"


async def test_pledges_shown_before_moderation_stay_public_after_the_upgrade(
    site_factory: Callable[..., Awaitable[Site]], mongodb_url: str, database_name: str
) -> None:
    """Documents as the code before pledge moderation wrote them: no `pledge_status`."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongodb_url, tz_aware=True)
    confirmed_at = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    try:
        organisations = client[database_name]["organisations"]
        shown = legacy_organisation("Old Mill Trust", confirmed_at=confirmed_at)
        never_confirmed = legacy_organisation("Unconfirmed Club", confirmed_at=None)
        await organisations.insert_many([shown, never_confirmed])

        site = await site_factory()
        page = await pledges_page(site)
        kept = await organisations.find_one({"_id": shown["_id"]})
        pending = await organisations.find_one({"_id": never_confirmed["_id"]})
    finally:
        await client.close()

    assert "Old Mill Trust" in page
    assert "We keep the old mill open for everyone." in page
    assert "Unconfirmed Club" not in page
    assert kept is not None
    assert pending is not None
    assert kept["pledge_status"] == "approved"
    assert kept["pledge_decision"]["before_moderation"] is True
    assert kept["pledge_decided_at"] == confirmed_at
    assert kept["version"] == shown["version"] + 1
    assert pending["pledge_status"] == "unconfirmed"


def legacy_organisation(name: str, *, confirmed_at: datetime | None) -> Document:
    return {
        "_id": str(uuid.uuid4()),
        "name": name,
        "organisation_type": "charity",
        "contact_name": "Pat",
        "contact_email": unique_email("pat"),
        "postcode": "M1 1AE",
        "outward_code": "M1",
        "language": "en",
        "pledge": {
            "id": str(uuid.uuid4()),
            "text": "We keep the old mill open for everyone.",
            "categories": ["community-events"],
        },
        # Within the 30 days an unconfirmed organisation is kept.
        "joined_at": datetime.now(UTC) - timedelta(days=2),
        "confirmed_at": confirmed_at,
        "confirmation_nonce": None if confirmed_at else "nonce",
        "version": 3,
        "outbox": [],
        "outbox_pending": 0,
    }


def pledge_decided(
    model: type[PledgeApproved] | type[PledgeRejected],
    organisation: Document,
    *,
    reason: str | None = None,
) -> PledgeApproved | PledgeRejected:
    """The event moderation tells when a moderator decides the pledge."""
    approved = model is PledgeApproved
    return model(
        producer="moderation",
        correlation_id=f"pledge-{uuid.uuid4().hex[:6]}",
        data=PledgeOutcomeData(
            pledge_id=organisation["pledge"]["id"],
            organisation_id=organisation["_id"],
            organisation_name=organisation["name"],
            text=organisation["pledge"]["text"] if approved else "",
            reason=reason,
        ),
    )


async def pledges_page(site: Site, *, until: Callable[[str], bool] = bool) -> str:
    async def page() -> str:
        response = await site.http.get("/pledges")
        assert response.status_code == 200
        return response.text

    return await eventually(page, until=until, what="/pledges")


async def test_unsubscribe_asks_first_then_withdraws(site: Site, probe: EventProbe) -> None:
    email = unique_email()
    person = await joined(site, email)
    link = await link_for(probe, "volunteer.registered", email, "unsubscribe_url")

    shown = await site.http.get(link)
    before = await site.db["people"].find_one({"_id": person["_id"]})
    done = await site.http.post(link)
    after = await site.db["people"].find_one({"_id": person["_id"]})

    assert shown.status_code == 200
    assert Page(shown.text).find("form", method="post")
    assert before is not None
    assert before["consents"] == ["matched-events", "news"]
    assert done.status_code == 200
    assert "You will get no more emails from us." in done.text
    assert after is not None
    assert after["consents"] == []


async def test_broken_unsubscribe_link(site: Site) -> None:
    shown = await site.http.get("/stop-emails/garbage")
    posted = await site.http.post("/stop-emails/garbage")

    assert shown.status_code == 404
    assert posted.status_code == 404
    assert "This link does not work" in posted.text


async def test_forget_erases_after_the_emailed_link(site: Site, probe: EventProbe) -> None:
    email = unique_email()
    person = await joined(site, email)

    asked = await site.http.post("/forget", data={"email": f"  {email.upper()} "})
    link = await link_for(probe, "person.erasure_link_requested", email)
    shown = await site.http.get(link)
    still_there = await site.db["people"].count_documents({"_id": person["_id"]})
    erased = await site.http.post(link)
    again = await site.http.post(link)

    assert asked.status_code == 200
    assert "If we hold details for that address" in asked.text
    assert shown.status_code == 200
    assert Page(shown.text).find("form", method="post")
    assert still_there == 1
    assert erased.status_code == 200
    assert "Your details have been deleted" in erased.text
    assert await site.db["people"].count_documents({"_id": person["_id"]}) == 0
    assert again.status_code == 200
    assert "Your details were already deleted" in again.text


async def test_forget_says_the_same_for_an_unknown_address(site: Site) -> None:
    known = unique_email()
    await joined(site, known)

    for_known = await site.http.post("/forget", data={"email": known})
    for_unknown = await site.http.post("/forget", data={"email": unique_email("nobody")})

    assert for_unknown.status_code == for_known.status_code == 200
    assert Page(for_unknown.text).text == Page(for_known.text).text


async def test_forget_refuses_a_malformed_address(site: Site) -> None:
    page = await refused(site, "/forget", {"email": "not an email"})
    assert page.summary_links() == ["#field-email"]
    assert page.by_id("field-email")["value"] == "not an email"
    assert "Enter your email address in the correct format" in page.text


async def test_broken_forget_link(site: Site) -> None:
    shown = await site.http.get("/forget/garbage")
    posted = await site.http.post("/forget/garbage")

    assert shown.status_code == 404
    assert posted.status_code == 404
