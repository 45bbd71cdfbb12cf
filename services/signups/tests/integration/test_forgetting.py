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
from signups.settings import Settings
from together_contracts import email_digest
from together_kit.testing.probe import EventProbe, event_probe
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


async def stored_text(site: Site) -> str:
    documents = []
    for name in await site.db.list_collection_names():
        documents += await site.db[name].find().to_list()
    return json_util.dumps(documents).lower()


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
    assert author not in await stored_text(site), "the pending request holds only the digest"
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
    text = await stored_text(site)
    for personal in (contact, "sam patelwood"):
        assert personal not in text
