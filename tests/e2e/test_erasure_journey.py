"""Erasure reaches every service that holds personal data: signups and notifications as processes."""

import uuid
from urllib.parse import urlsplit

import httpx
import pytest
from pymongo import AsyncMongoClient
from together_kit.testing.probe import event_probe
from together_kit.testing.waiting import eventually

from .conftest import System

pytestmark = pytest.mark.e2e

ADMIN_KEY = "e2e-admin-key-0123456789"


async def test_a_person_who_asks_to_be_forgotten_is_erased_everywhere(system: System) -> None:
    signups = system.start("signups", SIGNUPS_ADMIN_API_KEY=ADMIN_KEY)
    notifications = system.start("notifications")
    signups.wait_ready()
    notifications.wait_ready()
    email = f"forget-me-{uuid.uuid4().hex[:6]}@example.org"
    store: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(system.mongodb_url)
    contacts = store[system.database("notifications")]["contacts"]
    try:
        async with (
            httpx.AsyncClient(base_url=signups.url, timeout=10) as client,
            event_probe(system.rabbitmq_url, ["person.*"]) as probe,
        ):
            joined = await client.post(
                "/api/v1/signups", json={"name": "Fran", "email": email, "postcode": "LL57 2DG"}
            )
            person_id = joined.json()["id"]
            await eventually(
                lambda: contacts.count_documents({"_id": person_id}), what="contact kept"
            )

            asked = await client.post("/forget", data={"email": email})
            assert asked.status_code == 200
            [link] = await probe.wait_for(1)
            token_path = urlsplit(link["data"]["confirm_url"]).path
            erased = await client.post(token_path)
            assert erased.status_code == 200

            requested = await eventually(
                lambda: _first(probe.events, "person.erasure_requested"), what="erasure requested"
            )
            erasure_id = requested["data"]["erasure_id"]

            async def status() -> dict[str, object]:
                response = await client.get(
                    f"/api/v1/erasures/{erasure_id}", headers={"X-API-Key": ADMIN_KEY}
                )
                return dict(response.json())

            answered = await eventually(
                status,
                until=lambda s: "notifications" in s["answered"],
                what="notifications answered",
            )
            assert "signups" in answered["answered"]
            assert await contacts.count_documents({"_id": person_id}) == 0
            found = await client.get(
                "/api/v1/signups", params={"email": email}, headers={"X-API-Key": ADMIN_KEY}
            )
            assert found.json() == []
    finally:
        await store.close()


async def _first(events: list[dict[str, object]], event_type: str) -> dict[str, object] | None:
    return next((e for e in events if e["type"] == event_type), None)
