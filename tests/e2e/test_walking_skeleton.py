"""The walking skeleton across real processes: signups -> outbox -> RabbitMQ -> notifications."""

import asyncio
import shutil
import uuid

import httpx
import pytest
from pymongo import AsyncMongoClient
from together_kit.dev.stack import close_vhost_connections
from together_kit.testing.waiting import eventually

from .conftest import System

pytestmark = pytest.mark.e2e

SERVICES = ("signups", "moderation", "matching", "notifications")
READY_WITHIN_SECONDS = 30.0


def test_all_four_services_become_ready(system: System) -> None:
    processes = [system.start(name) for name in SERVICES]
    for process in processes:
        process.wait_ready(timeout=READY_WITHIN_SECONDS)
    for process in processes:
        response = httpx.get(f"{process.url}/asyncapi.json", timeout=5)
        assert response.status_code == 200
        assert response.json()["asyncapi"].startswith("3.")


async def post_signups(
    signups_url: str, count: int, sent: list[str], *, pause_every: int = 10
) -> None:
    async with httpx.AsyncClient(base_url=signups_url, timeout=10) as client:
        for n in range(count):
            email = f"v{n}-{uuid.uuid4().hex[:6]}@example.org"
            response = await _post_once(client, n, email)
            assert response.status_code == 202, response.text
            sent.append(email)
            if n % pause_every == 0:
                await asyncio.sleep(0.05)  # a stream, not a burst: faults land mid-way


async def _post_once(client: httpx.AsyncClient, n: int, email: str) -> httpx.Response:
    """A kept-alive connection the server closes as a request goes out is retried, as a real
    client would, with the same Idempotency-Key, so the retry cannot make a second person."""
    for attempt in range(3):
        try:
            return await client.post(
                "/api/v1/signups",
                json={"name": f"Volunteer {n}", "email": email, "postcode": "SW1A 1AA"},
                headers={"X-Request-ID": f"stream-{n}", "Idempotency-Key": f"stream-{email}"},
            )
        except httpx.TransportError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def recorded_once(system: System, emails: list[str]) -> None:
    """Each signup (by email: no answer to a join says whom it stored) became one contact."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(system.mongodb_url)
    db = client[system.database("notifications")]
    try:

        async def contacts() -> int:
            return await db.contacts.count_documents({"email": {"$in": emails}})

        await eventually(
            contacts, until=lambda n: n == len(emails), timeout=60, what="every signup recorded"
        )

        async def messages() -> list[str]:
            """The registration's message is its effect, keyed by the event (no inbox record:
            notifications' `volunteer.registered` handler is keyed, docs/adr/0002-outbox.md)."""
            return [str(doc["cause_event_id"]) async for doc in db.messages.find({})]

        event_ids = await eventually(
            messages, until=lambda ids: len(ids) >= len(emails), what="every event's message"
        )
        assert len(event_ids) == len(set(event_ids)) == len(emails)
        stored = [doc async for doc in db.contacts.find({"email": {"$in": emails}})]
        assert sorted(str(doc["email"]) for doc in stored) == sorted(emails)
    finally:
        await client.close()


async def start_stream(system: System, sent: list[str]) -> asyncio.Task[None]:
    """Signups and notifications running, 60 signups streaming in, a third of them already sent."""
    signups = system.start("signups")
    notifications = system.start("notifications")
    signups.wait_ready()
    notifications.wait_ready()
    stream = asyncio.create_task(post_signups(signups.url, 60, sent))
    await eventually(lambda: _len(sent), until=lambda n: n >= 20, what="a third of the stream sent")
    return stream


async def test_notifications_killed_mid_stream_records_every_signup_once(system: System) -> None:
    sent: list[str] = []
    stream = await start_stream(system, sent)
    system.processes["notifications"].kill()
    await eventually(
        lambda: _len(sent), until=lambda n: n >= 40, what="two thirds sent while it was down"
    )
    restarted = system.start("notifications")
    await asyncio.to_thread(restarted.wait_ready)  # the stream keeps flowing while it starts
    await stream
    await recorded_once(system, sent)


@pytest.mark.skipif(not shutil.which("rabbitmqctl"), reason="needs rabbitmqctl to drop connections")
async def test_services_reconnect_after_the_broker_drops_them(system: System) -> None:
    sent: list[str] = []
    stream = await start_stream(system, sent)
    await asyncio.to_thread(close_vhost_connections, system.vhost)
    await stream
    await recorded_once(system, sent)
    for process in system.processes.values():
        process.wait_ready(timeout=15)


async def _len(items: list[str]) -> int:
    return len(items)
