"""Every public page of signups in Welsh: no English left from the catalogues, nothing untranslated."""

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from signups.adapters.tokens import Tokens
from signups.bootstrap import WEB, create_app
from signups.domain.links import Purpose
from signups.entrypoints.web import assisted, assisted_forms, forms, letter
from signups.settings import Settings
from together_contracts import PledgeApproved, PledgeOutcomeData
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.waiting import eventually
from together_kit.testing.welsh import catalogue_gaps, english_left, in_welsh
from together_kit.web import labels
from together_kit.web.forms import texts_of
from together_kit.web.rendering import WebPages

pytestmark = pytest.mark.integration

"""Shorter msgids (a word like "Iaith") could turn up inside other text by chance."""


@dataclass
class Welsh:
    app: FastAPI
    settings: Settings
    pages: WebPages

    def client(self) -> httpx.AsyncClient:
        """A client of its own, so no language cookie carries over from another request."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://test"
        )


@pytest.fixture
async def welsh(rabbitmq_url: str, mongodb_url: str, database_name: str) -> AsyncIterator[Welsh]:
    settings = Settings(
        rabbitmq_url=rabbitmq_url,
        mongodb_url=mongodb_url,
        mongodb_database=database_name,
        port=0,
        join_rate_limit="1000/minute",
        outbox_poll_seconds=0.2,
    )
    app = create_app(settings)
    pages: WebPages = app.state.pages
    async with app.router.lifespan_context(app):
        yield Welsh(app, settings, pages)


def issued_days_ago(welsh: Welsh, days: int, claims: list[str]) -> str:
    """A link token signed with the service's secret as it would have been `days` ago."""
    then = int(time.time()) - days * 24 * 3600

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return then

    secret = welsh.settings.secret_key.get_secret_value()
    serializer = URLSafeTimedSerializer(secret, salt="together.signups.links", signer=Then)
    return str(serializer.dumps(claims))


def public_pages(welsh: Welsh) -> dict[str, tuple[str, str, dict[str, Any] | None, int]]:
    """name -> (method, path, form, expected status) for pages reached without a journey."""
    tokens = Tokens(welsh.settings.secret_key.get_secret_value())
    unsubscribe = tokens.issue(Purpose.UNSUBSCRIBE, uuid.uuid4())
    erase = tokens.issue(Purpose.ERASE, uuid.uuid4())
    old_confirm = issued_days_ago(welsh, 8, ["confirm-person", str(uuid.uuid4()), "n"])
    old_erase = issued_days_ago(welsh, 2, ["erase", str(uuid.uuid4()), ""])
    return {
        "home": ("GET", "/", None, 200),
        "join": ("GET", "/join", None, 200),
        "join errors": ("POST", "/join", {"email": "x", "travel_radius_km": "0"}, 422),
        "join thanks": ("GET", "/join/thanks", None, 200),
        "organisation": ("GET", "/join/organisation", None, 200),
        "organisation errors": (
            "POST",
            "/join/organisation",
            {
                "organisation_type": "x",
                "contact_email": "y",
                "name": "n" * 201,
                "pledge_districts": "nowhere",
            },
            422,
        ),
        "organisation thanks": ("GET", "/join/organisation/thanks", None, 200),
        "confirm invalid": ("GET", "/confirm/not-a-token", None, 404),
        "confirm expired": ("GET", f"/confirm/{old_confirm}", None, 410),
        "unsubscribe form": ("GET", f"/stop-emails/{unsubscribe}", None, 200),
        "unsubscribe broken": ("POST", "/stop-emails/not-a-token", {}, 404),
        "forget": ("GET", "/forget", None, 200),
        "forget errors": ("POST", "/forget", {"email": "nope"}, 422),
        "forget sent": ("POST", "/forget", {"email": "nobody@example.org"}, 200),
        "forget confirm": ("GET", f"/forget/{erase}", None, 200),
        "forget expired": ("GET", f"/forget/{old_erase}", None, 410),
        "forget broken": ("POST", f"/forget/{erase}", {}, 404),
        "pledges": ("GET", "/pledges", None, 200),
        "pledge missing": ("GET", f"/pledges/{uuid.uuid4()}", None, 404),
        "pledge link": ("GET", f"/pledges/{uuid.uuid4()}/link", None, 200),
        "pledge link errors": ("POST", f"/pledges/{uuid.uuid4()}/link", {"email": "x"}, 422),
        "pledge link sent": ("GET", "/pledges/link/sent", None, 200),
        "progress sent": ("GET", "/pledges/progress/sent", None, 200),
        "progress broken": ("GET", "/pledges/progress/not-a-token", None, 404),
        "letter": ("GET", "/letter", None, 200),
        "letter errors": ("POST", "/letter", {"email": "x", "town": "t" * 101}, 422),
        "letter thanks": ("GET", "/letter/thanks", None, 200),
        "letter signatories": ("GET", "/letter/signatories", None, 200),
    }


async def journey_pages(welsh: Welsh, rabbitmq_url: str, choice: str) -> dict[str, str]:
    """Pages reached only by following emailed links: confirm, unsubscribe, erase, each twice."""
    volunteer = f"ann.{uuid.uuid4().hex[:8]}@example.org"
    contact = f"sam.{uuid.uuid4().hex[:8]}@example.org"
    organisation = {
        "name": "Cegin Glan yr Afon",
        "organisation_type": "charity",
        "contact_name": "Sam",
        "contact_email": contact,
        "postcode": "CF10 1AA",
        "pledge": "Cinio misol i bawb.",
        "pledge_categories": [str(value) for value in labels.INTERESTS],
    }
    person = {"name": "Ann", "email": volunteer, "postcode": "CF10 1AA", "consent_news": "yes"}
    person |= {"travel_radius_km": "10"}
    keys = [
        "volunteer.registered",
        "volunteer.change_requested",
        "organisation.joined",
        "person.erasure_link_requested",
        "pledge.made",
        "pledge.published",
        "letter.signed",
    ]
    welsh_please = in_welsh(choice)
    pages: dict[str, str] = {}
    async with event_probe(rabbitmq_url, keys) as probe, welsh.client() as http:

        async def link(event_type: str, email: str, field: str = "confirm_url") -> str:
            async def sent() -> list[dict[str, Any]]:
                return [
                    event
                    for event in probe.events
                    if event["type"] == event_type
                    and email in {event["data"].get("email"), event["data"].get("contact_email")}
                ]

            [event, *_] = await eventually(sent, what=f"{event_type} for {email}")
            return str(urlsplit(event["data"][field]).path)

        async def visit(name: str, method: str, path: str, data: Any = None) -> None:
            response = await http.request(method, path, data=data, **welsh_please)
            assert response.status_code == 200, (name, response.status_code)
            pages[name] = response.text

        assert (await http.post("/join/organisation", data=organisation)).status_code == 303
        assert (await http.post("/join", data=person)).status_code == 303
        confirm_organisation = await link("organisation.joined", contact)
        await visit("organisation to confirm", "GET", confirm_organisation)
        await visit("organisation confirmed", "POST", confirm_organisation)
        await visit("organisation already confirmed", "GET", confirm_organisation)
        name = str(organisation["name"])
        await approve_pledge(probe, rabbitmq_url, name)

        async def pledges_shown() -> str:
            return (await http.get("/pledges")).text

        await eventually(pledges_shown, until=lambda page: name in page)
        await visit("pledges with a pledge", "GET", "/pledges")

        async def published_pledges() -> list[dict[str, Any]]:
            return [e["data"] for e in probe.events if e["type"] == "pledge.published"]

        [published, *_] = await eventually(published_pledges, what="pledge.published")
        await visit("pledge page", "GET", urlsplit(published["public_url"]).path)
        progress = urlsplit(published["progress_url"]).path
        await visit("progress form", "GET", progress)
        errors = await http.post(progress, data={"text": ""}, **welsh_please)
        assert errors.status_code == 422, errors.text
        pages["progress errors"] = errors.text
        confirm_person = await link("volunteer.registered", volunteer)
        await visit("volunteer to confirm", "GET", confirm_person)
        await visit("volunteer confirmed", "POST", confirm_person)
        await visit("volunteer already confirmed", "POST", confirm_person)
        changed = {**person, "name": "Ann Arall", "connector": "yes", "phone": "029 2000 0000"}
        assert (await http.post("/join", data=changed)).status_code == 303
        confirm_change = await link("volunteer.change_requested", volunteer)
        await visit("change to confirm", "GET", confirm_change)
        await visit("change confirmed", "POST", confirm_change)
        await visit("change already confirmed", "GET", confirm_change)
        signing = {"kind": "person", "name": "Nia", "email": contact, "nation": "wales"}
        assert (await http.post("/letter", data={**signing, "public": "yes"})).status_code == 303
        confirm_signature = await link("letter.signed", contact)
        await visit("signature to confirm", "GET", confirm_signature)
        await visit("signature confirmed", "POST", confirm_signature)
        await visit("letter with a signatory", "GET", "/letter")
        unsubscribe = await link("volunteer.registered", volunteer, "unsubscribe_url")
        await visit("unsubscribed", "POST", unsubscribe)
        await visit("forget asked", "POST", "/forget", {"email": volunteer})
        erase = await link("person.erasure_link_requested", volunteer)
        await visit("erased", "POST", erase)
        await visit("already erased", "POST", erase)
    return pages


async def approve_pledge(probe: EventProbe, rabbitmq_url: str, name: str) -> None:
    """As moderation does when a moderator approves the pledge."""

    async def made() -> list[dict[str, Any]]:
        return [
            event["data"]
            for event in probe.events
            if event["type"] == "pledge.made" and event["data"]["organisation_name"] == name
        ]

    [pledge, *_] = await eventually(made, what=f"pledge.made for {name}")
    approved = PledgeApproved(
        producer="moderation",
        correlation_id="welsh",
        data=PledgeOutcomeData(
            pledge_id=pledge["pledge_id"],
            organisation_id=pledge["organisation_id"],
            organisation_name=name,
            text=pledge["text"],
        ),
    )
    await publish_event(rabbitmq_url, approved)


@pytest.mark.parametrize("choice", ["accept-language", "query"])
async def test_every_public_page_is_in_welsh(welsh: Welsh, rabbitmq_url: str, choice: str) -> None:
    entries = welsh.pages.catalogues.catalogue_entries("cy")
    rendered = await journey_pages(welsh, rabbitmq_url, choice)
    for name, (method, path, form, expected) in public_pages(welsh).items():
        async with welsh.client() as http:
            response = await http.request(method, path, data=form, **in_welsh(choice))
        assert response.status_code == expected, (name, response.text)
        assert response.headers["content-language"] == "cy", name
        rendered[name] = response.text

    for name, html in rendered.items():
        assert '<html lang="cy">' in html, name
        assert english_left(html, entries) == [], name
    assert "Elusen" in rendered["pledges with a pledge"]
    assert "Fesul gwlad" in rendered["pledges with a pledge"]
    assert "Dim cynnydd wedi'i adrodd eto." in rendered["pledge page"].replace("&#39;", "'")
    assert "Rhowch eich diweddariad cynnydd" in rendered["progress errors"]
    assert "Bydd cymedrolwr yn darllen eich addewid" in rendered["organisation confirmed"]
    assert "Cadarnhau'r newidiadau hyn" in rendered["change to confirm"]
    assert "Mae eich newidiadau wedi" in rendered["change confirmed"]
    assert "Mae problem wedi codi" in rendered["join errors"]
    assert "Degawd yr Ailgysylltu" in rendered["letter"]
    assert "Cymru" in rendered["letter with a signatory"]
    assert "Cadarnhewch eich llofnod" in rendered["signature to confirm"]


async def test_english_is_the_default_and_the_check_sees_it(welsh: Welsh) -> None:
    async with welsh.client() as http:
        response = await http.get("/join")

    assert '<html lang="en">' in response.text
    left = english_left(response.text, welsh.pages.catalogues.catalogue_entries("cy"))
    assert {"Join as a volunteer", "Email address", "Community events"} <= set(left)


def test_the_welsh_catalogue_is_complete_and_repeats_nothing_of_the_kits() -> None:
    choices = (*labels.ALL, *letter.LABELS, forms.CHANNEL_LABELS, assisted_forms.JOINED_BY_LABELS)
    in_code = (
        {text for mapping in choices for text in mapping.values()}
        | {text for mapping in forms.ALL for said in mapping.values() for text in texts_of(said)}
        | {text for said in assisted_forms.ASSISTED.values() for text in texts_of(said)}
        | {assisted.FIND_PHONE, assisted.NOT_FOUND, assisted.ASKED_HOW}
    )

    assert catalogue_gaps(WEB, in_code=in_code) == {
        "untranslated": [],
        "repeats_kit": [],
        "missing": [],
    }
