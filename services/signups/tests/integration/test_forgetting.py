"""/forget for every kind of person: an address signups does not hold as a volunteer (a story
author, an event organiser, an organisation contact) is sent a link too, and confirming it tells
every service the keyed digest of the address."""

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from bson import json_util
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from signups.bootstrap import create_app
from signups.entrypoints.schemas import VOLUNTEER_EXAMPLE
from signups.settings import Settings
from together_contracts import PersonAccessAnswered, PersonAccessAnsweredData, email_digest
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

Document = dict[str, Any]
ADMIN_KEY = "test-admin-key-123"


@dataclass
class Site:
    http: httpx.AsyncClient
    db: AsyncDatabase[Document]
    settings: Settings


@pytest.fixture
async def site(rabbitmq_url: str, mongodb_url: str, database_name: str) -> AsyncIterator[Site]:
    settings = Settings(
        rabbitmq_url=rabbitmq_url,
        mongodb_url=mongodb_url,
        mongodb_database=database_name,
        port=0,
        join_rate_limit="1000/minute",
        outbox_poll_seconds=0.2,
        admin_api_key=ADMIN_KEY,  # type: ignore[arg-type]
    )
    app = create_app(settings)
    inspector: AsyncMongoClient[Document] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://test"
            ) as http,
        ):
            yield Site(http, inspector[database_name], settings)
    finally:
        await inspector.close()


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, ["person.*"]) as probe:
        yield probe


async def first(probe: EventProbe, event_type: str, **data: Any) -> dict[str, Any]:
    async def found() -> list[dict[str, Any]]:
        return [
            e
            for e in probe.events
            if e["type"] == event_type and all(e["data"].get(k) == v for k, v in data.items())
        ]

    [event, *_] = await eventually(found, what=f"{event_type} with {data}")
    return event


async def stored_text(site: Site, *, outboxes: bool = True) -> str:
    documents = []
    for name in await site.db.list_collection_names():
        documents += await site.db[name].find({}, None if outboxes else {"outbox": 0}).to_list()
    return json_util.dumps(documents).lower()


async def nothing_holds(site: Site, *personal: str) -> None:
    """No document holds any of these words, once the events that carried them are published:
    an event leaves its document's outbox a moment after its publish is confirmed (the marks
    are written in batches), which may be after a consumer has it."""

    async def held() -> list[str]:
        text = await stored_text(site)
        return [word for word in personal if word in text]

    await eventually(held, until=lambda words: not words, what=f"{personal} forgotten")


async def test_an_address_that_is_not_a_volunteer_is_sent_a_link_and_forgotten(
    site: Site, probe: EventProbe
) -> None:
    author = f"story.author.{uuid.uuid4().hex[:6]}@example.org"

    asked = await site.http.post("/forget", data={"email": f" {author.upper()} "})

    assert asked.status_code == 200
    link = await first(probe, "person.erasure_link_requested", email=author)
    assert link["data"]["name"] is None
    path = urlsplit(link["data"]["confirm_url"]).path
    assert author not in path.lower()
    assert author not in await stored_text(site, outboxes=False), "the request holds the digest"
    await nothing_holds(site, author)
    shown = await site.http.get(path)
    assert shown.status_code == 200
    assert re.search(r"<form[^>]*method=\"post\"", shown.text)

    erased = await site.http.post(path)

    assert erased.status_code == 200
    assert "Your details have been deleted" in erased.text
    digest = email_digest(author, key=site.settings.erasure_digest_key)
    requested = await first(probe, "person.erasure_requested", email_digest=digest)
    assert requested["data"]["person_id"] is None
    status = await site.http.get(
        f"/api/v1/erasures/{requested['data']['erasure_id']}", headers={"X-API-Key": ADMIN_KEY}
    )
    assert status.status_code == 200
    assert "signups" in status.json()["answered"]
    again = await site.http.post(path)
    assert "Your details were already deleted" in again.text
    assert len([e for e in probe.events if e["type"] == "person.erasure_requested"]) == 1


async def test_an_organisation_contact_is_forgotten_with_their_organisation(
    site: Site, probe: EventProbe
) -> None:
    contact = f"sam.{uuid.uuid4().hex[:6]}@example.org"
    joined = await site.http.post(
        "/join/organisation",
        data={
            "name": f"Riverside Kitchen {uuid.uuid4().hex[:6]}",
            "organisation_type": "community-group",
            "contact_name": "Sam Patelwood",
            "contact_email": contact,
            "postcode": "M1 1AE",
            "language": "en",
            "pledge": "We will host a monthly lunch.",
            "pledge_categories": ["food-and-mutual-aid"],
            "website": "",
        },
    )
    assert joined.status_code == 303, joined.text
    assert await site.db["organisations"].count_documents({"contact_email": contact}) == 1

    await site.http.post("/forget", data={"email": contact})
    link = await first(probe, "person.erasure_link_requested", email=contact)
    erased = await site.http.post(urlsplit(link["data"]["confirm_url"]).path)

    assert erased.status_code == 200
    assert await site.db["organisations"].count_documents({}) == 0
    await nothing_holds(site, contact, "sam patelwood")


async def test_a_signatory_of_the_open_letter_is_in_the_export_and_forgotten_by_address(
    site: Site, probe: EventProbe, rabbitmq_url: str
) -> None:
    email = f"nia.{uuid.uuid4().hex[:6]}@example.org"
    signing = {"kind": "person", "name": "Nia Signatorywood", "town": "Bangor", "email": email}
    async with event_probe(rabbitmq_url, ["letter.signed"]) as letters:
        signed = await site.http.post("/letter", data={**signing, "nation": "wales", "public": "y"})
        assert signed.status_code == 303, signed.text
        link = await first(letters, "letter.signed", email=email)
    await site.http.post(urlsplit(link["data"]["confirm_url"]).path)
    assert "Nia Signatorywood" in (await site.http.get("/letter")).text
    admin = {"X-API-Key": ADMIN_KEY}

    asked = await site.http.post("/api/v1/admin/access", json={"email": email}, headers=admin)

    own = await site.db["access_requests"].find_one({"_id": asked.json()["id"]})
    assert own is not None
    [held] = own["answers"]["signups"]["letter_signatures"]
    assert (held["details"]["name"], held["details"]["town"]) == ("Nia Signatorywood", "Bangor")
    assert held["confirmed_at"] is not None

    await site.http.post("/forget", data={"email": email})
    erase = await first(probe, "person.erasure_link_requested", email=email)
    erased = await site.http.post(urlsplit(erase["data"]["confirm_url"]).path)

    assert erased.status_code == 200
    assert await site.db["letter_signatures"].count_documents({}) == 0
    assert "Nia Signatorywood" not in (await site.http.get("/letter")).text
    await site.db["access_requests"].delete_many({})
    await nothing_holds(site, email, "nia signatorywood", "bangor")


# Subject access


async def test_an_admin_exports_what_is_held_about_an_address_once_all_have_answered(
    site: Site, probe: EventProbe, rabbitmq_url: str
) -> None:
    email = f"ann.{uuid.uuid4().hex[:6]}@example.org"
    joined = await site.http.post(
        "/api/v1/signups",
        json={**VOLUNTEER_EXAMPLE, "name": "Ann Accessley", "email": email},
    )
    assert joined.status_code in (201, 202), joined.text
    admin = {"X-API-Key": ADMIN_KEY}
    refused = await site.http.post("/api/v1/admin/access", json={"email": email})
    assert refused.status_code == 401

    asked = await site.http.post("/api/v1/admin/access", json={"email": email}, headers=admin)

    assert asked.status_code == 202, asked.text
    access_id = asked.json()["id"]
    requested = await first(probe, "person.access_requested", access_id=access_id)
    digest = email_digest(email, key=site.settings.erasure_digest_key)
    assert requested["data"]["email_digest"] == digest
    assert requested["data"]["person_id"] is not None
    assert email not in json_util.dumps(requested)
    waiting = await site.http.get(f"/api/v1/admin/access/{access_id}", headers=admin)
    assert waiting.status_code == 202
    assert waiting.json()["waiting_for"] == ["moderation", "matching", "notifications"]

    for service in ("moderation", "matching", "notifications"):
        await publish_event(
            rabbitmq_url,
            PersonAccessAnswered(
                producer=service,
                correlation_id="access",
                data=PersonAccessAnsweredData(
                    access_id=uuid.UUID(access_id), service=service, held={"from": service}
                ),
            ),
        )

    async def export() -> httpx.Response:
        return await site.http.get(f"/api/v1/admin/access/{access_id}", headers=admin)

    done = await eventually(export, until=lambda r: r.status_code == 200, what="the export")
    held = done.json()["held"]
    assert set(held) == {"signups", "moderation", "matching", "notifications"}
    assert held["signups"]["volunteer"]["details"]["name"] == "Ann Accessley"
    assert held["signups"]["volunteer"]["details"]["email"] == email
    assert held["matching"] == {"from": "matching"}
    assert done.headers["Cache-Control"] == "no-store"
    again = await export()
    assert again.status_code == 404, "the export is served once"
    assert await site.db["access_requests"].count_documents({}) == 0, "the answers went with it"
