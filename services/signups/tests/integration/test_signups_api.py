"""The signups app in-process against the real broker and store: HTTP in, events out."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from signups.bootstrap import create_app
from signups.settings import Settings
from together_kit.runtime import ServiceRuntime
from together_kit.testing.probe import EventProbe, event_probe
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

Document = dict[str, Any]
SIGNUPS = "/api/v1/signups"
MAX_BODY_BYTES = 512


@dataclass
class Signups:
    app: FastAPI
    http: httpx.AsyncClient
    db: AsyncDatabase[Document]

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    def published(self) -> int:
        """How many events this app's relay has published (its own metrics registry)."""
        total = 0.0
        for metric in self.runtime.metrics.published.collect():
            for sample in metric.samples:
                if sample.name.endswith("_total"):
                    total += sample.value
        return int(total)


@pytest.fixture
async def signups(
    rabbitmq_url: str, mongodb_url: str, database_name: str
) -> AsyncIterator[Signups]:
    settings = Settings(
        rabbitmq_url=rabbitmq_url,
        mongodb_url=mongodb_url,
        mongodb_database=database_name,
        port=0,
        max_body_bytes=MAX_BODY_BYTES,
        outbox_poll_seconds=0.2,
    )
    app = create_app(settings)
    inspector: AsyncMongoClient[Document] = AsyncMongoClient(
        mongodb_url, tz_aware=True, uuidRepresentation="standard"
    )
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
        ):
            yield Signups(app, http, inspector[database_name])
    finally:
        await inspector.close()


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, ["volunteer.registered"]) as probe:
        yield probe


def unique_email(local: str = "ann") -> str:
    return f"{local}.{uuid.uuid4().hex[:8]}@example.org"


async def outbox_drained(signups: Signups, person_id: str) -> Document:
    async def find() -> Document | None:
        return await signups.db["people"].find_one({"_id": person_id})

    document = await eventually(
        find,
        until=lambda doc: doc is not None and doc["outbox"] == [] and doc["outbox_pending"] == 0,
        what="person stored with an empty outbox",
    )
    assert document is not None
    return document


def events_for(probe: EventProbe, person_id: str) -> list[dict[str, Any]]:
    return [event for event in probe.events if event["data"]["person_id"] == person_id]


async def test_signup_is_stored_and_its_event_published_once(
    signups: Signups, probe: EventProbe
) -> None:
    email = unique_email()
    request_id = f"req-{uuid.uuid4().hex}"

    response = await signups.http.post(
        SIGNUPS,
        json={"name": "  Ann   Jones ", "email": email.upper(), "language": "cy"},
        headers={"X-Request-ID": request_id},
    )

    assert response.status_code == 201, response.text
    assert response.headers["X-Request-ID"] == request_id
    body = response.json()
    person_id = str(uuid.UUID(body["id"]))
    assert body["status"] == "registered"

    document = await outbox_drained(signups, person_id)
    assert document["name"] == "Ann Jones"
    assert document["email"] == email
    assert document["language"] == "cy"
    assert document["kind"] == "volunteer"

    await eventually(
        lambda: _value(len(events_for(probe, person_id))), what="volunteer.registered event"
    )
    assert signups.published() == 1
    [event] = events_for(probe, person_id)
    assert event["type"] == "volunteer.registered"
    assert event["producer"] == "signups"
    assert event["correlation_id"] == request_id
    assert event["data"] == {
        "person_id": person_id,
        "name": "Ann Jones",
        "email": email,
        "language": "cy",
    }
    [message] = [m for m in probe.messages if m.message_id == event["id"]]
    assert message.correlation_id == request_id


async def test_request_without_request_id_gets_one(signups: Signups) -> None:
    response = await signups.http.post(SIGNUPS, json={"name": "Ann", "email": unique_email()})

    assert response.status_code == 201, response.text
    assert response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"name": "Ann", "email": "not-an-email"}, ["body", "email"]),
        ({"email": "ann@example.org"}, ["body", "name"]),
        ({"name": "   ", "email": "ann@example.org"}, ["body", "name"]),
        ({"name": "Ann", "email": "ann@example.org", "language": "fr"}, ["body", "language"]),
        ({"name": "Ann", "email": "ann@example.org", "admin": True}, ["body", "admin"]),
    ],
    ids=["bad-email", "missing-name", "blank-name", "unknown-language", "unknown-field"],
)
async def test_invalid_body_is_422_naming_the_field_and_writes_nothing(
    signups: Signups, body: dict[str, Any], location: list[str]
) -> None:
    response = await signups.http.post(SIGNUPS, json=body)

    assert response.status_code == 422, response.text
    assert location in [error["loc"] for error in response.json()["detail"]]
    assert await signups.db["people"].count_documents({}) == 0


async def test_same_email_twice_is_409_and_publishes_once(
    signups: Signups, probe: EventProbe
) -> None:
    email = unique_email("bethan")

    first = await signups.http.post(SIGNUPS, json={"name": "Bethan", "email": email})
    second = await signups.http.post(
        SIGNUPS, json={"name": "Bethan Again", "email": f"  {email.upper()}  "}
    )

    assert first.status_code == 201, first.text
    assert second.status_code == 409, second.text
    person_id = first.json()["id"]
    await outbox_drained(signups, person_id)
    await eventually(lambda: _value(len(events_for(probe, person_id))), what="first event")
    assert await signups.db["people"].count_documents({}) == 1
    assert signups.published() == 1
    assert [event["data"]["email"] for event in probe.events].count(email) == 1


async def test_body_over_the_limit_is_413(signups: Signups) -> None:
    content = httpx.Request(
        "POST", "http://t", json={"name": "A" * MAX_BODY_BYTES, "email": unique_email()}
    ).content
    assert len(content) > MAX_BODY_BYTES

    response = await signups.http.post(
        SIGNUPS, content=content, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413, response.text
    assert await signups.db["people"].count_documents({}) == 0


async def test_chunked_body_over_the_limit_is_413(signups: Signups) -> None:
    valid = f'{{"name": "Ann", "email": "{unique_email()}"'.encode()

    async def chunks() -> AsyncIterator[bytes]:
        yield valid
        for _ in range(8):
            yield b" " * 256  # JSON whitespace: the body stays valid, only too large
        yield b"}"

    response = await signups.http.post(
        SIGNUPS, content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413, response.text
    assert await signups.db["people"].count_documents({}) == 0


async def test_health_and_readiness(signups: Signups) -> None:
    healthz = await signups.http.get("/healthz")
    readyz = await signups.http.get("/readyz")

    assert healthz.status_code == 200
    assert readyz.status_code == 200, readyz.text
    assert readyz.json() == {"status": "ready", "checks": {"store": True, "broker": True}}


async def test_metrics_show_publishing_and_backlog(signups: Signups) -> None:
    created = await signups.http.post(SIGNUPS, json={"name": "Cai", "email": unique_email("cai")})
    assert created.status_code == 201, created.text
    await outbox_drained(signups, created.json()["id"])

    response = await signups.http.get("/metrics")

    assert response.status_code == 200
    text = response.text
    assert 'messages_published_total{event_type="volunteer.registered"} 1.0' in text
    assert "outbox_backlog 0.0" in text


async def test_asyncapi_lists_the_registered_publication(signups: Signups) -> None:
    response = await signups.http.get("/asyncapi.json")

    assert response.status_code == 200
    document = response.json()
    channel = document["channels"]["volunteer.registered:publish"]
    assert channel["address"] == "volunteer.registered"
    assert channel["bindings"]["amqp"]["exchange"]["name"] == "together.events"
    operation = document["operations"]["volunteer.registered:publish"]
    assert operation["action"] == "send"
    assert "VolunteerRegistered" in document["components"]["schemas"]


async def test_openapi_lists_the_signups_route(signups: Signups) -> None:
    response = await signups.http.get("/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/signups" in response.json()["paths"]
    assert "post" in response.json()["paths"]["/api/v1/signups"]


async def _value(value: int) -> int:
    return value
