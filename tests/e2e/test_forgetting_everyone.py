"""Issue 16: a person who is every kind of person at once is forgotten everywhere, by their address.

They join as a volunteer who offers to be a community connector (so the coordinators keep their
contact) and confirm, share a story (with their phone number in it) that is approved redacted,
thank key workers on the 5 July wall (their phone in it too, approved redacted, under their
name), list an event that is approved, join as an organisation's contact, and co-sign the open
letter (confirmed, their name on its public list). An admin exports what the four services hold
about them (subject access); then they ask to be forgotten at /forget. Afterwards no collection
of any service's database, and no retry or dead-letter queue, holds their name, email, phone or
full postcode; a dead letter about them that was waiting is dropped by `together dlq replay`, not
replayed; two databases restored from a backup taken before the erasure are cleaned again by
`together erasures reapply`; and replaying every message the exchange carried during the test
recreates nothing.

Runs the four services as real processes (tests/e2e/conftest.py), like test_journeys.
"""

import asyncio
import html
import json
import random
import shutil
import subprocess
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import aio_pika
import httpx
import pytest
from pymongo import AsyncMongoClient
from together_kit.testing.probe import event_probe, publish_raw
from together_kit.testing.processes import run_module
from together_kit.testing.waiting import eventually

from .conftest import SERVICES, System
from .test_journeys import (
    ADMIN_KEY,
    STEP,
    approve_redacted,
    claimed,
    csrf_of,
    holders,
    item_in_queue,
    link,
    mail_to,
    moderator,
    next_saturday_morning,
    plain_text,
    queued_messages,
    start_everything,
)

pytestmark = pytest.mark.e2e

ADMIN = {"X-API-Key": ADMIN_KEY}
HOME = "CF10 1AA"
VENUE = "CF24 3AA"


async def follow_confirmation(url: str) -> None:
    """Confirm through the emailed link: a page with a button (POST), or the link itself."""
    async with httpx.AsyncClient(timeout=30) as browser:
        shown = await browser.get(url)
        assert shown.status_code == 200, shown.text
        if 'method="post"' in shown.text:
            confirmed = await browser.post(url)
            assert confirmed.status_code in (200, 303), confirmed.text


def queues_of(vhost: str) -> list[str]:
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers", "name"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return [line.strip() for line in listed.stdout.decode().splitlines() if line.strip()]


async def queued_holders(system: System, needles: list[str]) -> list[str]:
    """Retry and dead-letter messages (read, then handed back) whose body or headers hold a
    needle."""
    wanted = [needle.lower() for needle in needles]
    names = [
        name
        for name in await asyncio.to_thread(queues_of, system.vhost)
        if name.endswith((".retry", ".dead"))
    ]
    assert any(name.endswith(".dead") for name in names), names
    found: list[str] = []
    connection = await aio_pika.connect(system.rabbitmq_url)
    try:
        channel = await connection.channel()
        for name in names:
            queue = await channel.get_queue(name, ensure=True)
            taken: list[aio_pika.abc.AbstractIncomingMessage] = []
            try:
                while (message := await queue.get(no_ack=False, fail=False)) is not None:
                    taken.append(message)
                    text = (message.body + repr(message.headers).encode()).decode(errors="replace")
                    if any(needle in text.lower() for needle in wanted):
                        found.append(f"{name}: {message.message_id}")
            finally:
                for message in taken:
                    await message.nack(requeue=True)
    finally:
        await connection.close()
    return found


async def dead_letter(system: System, message: Any, *, service: str, purpose: str) -> None:
    """Put a copy of a message into `<service>.dead` as the consumer guard does when it gives up."""
    connection = await aio_pika.connect(system.rabbitmq_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        await channel.default_exchange.publish(
            aio_pika.Message(
                message.body,
                message_id=message.message_id,
                type=message.routing_key,
                content_type="application/json",
                headers={
                    "x-original-queue": f"{service}.{purpose}",
                    "x-original-routing-key": message.routing_key,
                    "x-error": "RuntimeError: the store was down",
                },
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=f"{service}.dead",
        )
    finally:
        await connection.close()


RESTORED = ("signups", "moderation")
"""The databases the test restores from a backup taken before the erasure."""


async def backup(system: System, services: tuple[str, ...]) -> dict[str, dict[str, list[Any]]]:
    """Every document of every collection of these services' databases."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(system.mongodb_url, tz_aware=True)
    taken: dict[str, dict[str, list[Any]]] = {}
    try:
        for service in services:
            db = client[system.database(service)]
            taken[service] = {
                name: await db[name].find({}).to_list() for name in await db.list_collection_names()
            }
    finally:
        await client.close()
    return taken


async def restore(system: System, taken: dict[str, dict[str, list[Any]]]) -> None:
    """Put each database back as it was in the backup (its indexes stay): every collection is
    emptied and refilled, so what was written since (the tombstones too) is gone."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(system.mongodb_url, tz_aware=True)
    try:
        for service, collections in taken.items():
            db = client[system.database(service)]
            for name in await db.list_collection_names():
                await db[name].delete_many({})
            for name, documents in collections.items():
                if documents:
                    await db[name].insert_many(documents)
    finally:
        await client.close()


def together(system: System, *args: str) -> str:
    """`together ...` as an operator runs it, against the test's broker and store."""
    env = {"RABBITMQ_URL": system.rabbitmq_url, "MONGODB_URL": system.mongodb_url}
    return run_module("together_kit.cli", *args, env=env).stdout


async def share_story(system: System, *, name: str, email: str, title: str, text: str) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        shared = await client.post(
            f"{system.url('moderation')}/share",
            data={
                "prompt": "closer",
                "title": title,
                "text": text,
                "name": name,
                "region": "CF10",
                "language": "en",
                "consent_to_publish": "yes",
                "email": email,
                "notify_outcome": "yes",
            },
        )
        assert shared.status_code == 303, shared.text


async def list_event(system: System, *, email: str, title: str) -> str:
    starts = next_saturday_morning()
    async with httpx.AsyncClient(base_url=system.url("matching"), timeout=30) as matching:
        listed = await matching.post(
            "/api/v1/events",
            json={
                "title": title,
                "description": "Tea, biscuits and a hand with the garden.",
                "event_type": "sport",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "postcode": VENUE,
                "venue_name": "The community garden",
                "address_lines": ["1 Garden Lane"],
                "town": "Cardiff",
                "organiser_name": "Gwen Organiser",
                "places": 3,
                "organiser_email": email,
            },
        )
        assert listed.status_code == 201, listed.text
        return str(listed.json()["id"])


async def thank(system: System, *, name: str, email: str, who: str, what_for: str) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        posted = await client.post(
            f"{system.url('moderation')}/thanks/new",
            data={
                "who": who,
                "worker": "nhs-care",
                "what_for": what_for,
                "region": "CF10",
                "name": name,
                "language": "en",
                "email": email,
                "notify_outcome": "yes",
            },
        )
        assert posted.status_code == 303, posted.text


async def approve_all(system: System, *, story_title: str, thanked: str, event_title: str) -> None:
    """The story and the thank-you approved redacted, the listing as sent."""
    async with moderator(system) as desk:
        for title in (story_title, thanked):
            item_id = await item_in_queue(desk, title)
            item = await claimed(desk, item_id)
            approved = await approve_redacted(desk, item_id, item)
            assert approved.status_code == 303, approved.text
        listing_id = await item_in_queue(desk, event_title)
        item = await claimed(desk, listing_id)
        approved = await desk.post(
            f"/moderation/items/{listing_id}/approve", data={"csrf": csrf_of(item.text)}
        )
        assert approved.status_code == 303, approved.text


@pytest.mark.skipif(not shutil.which("rabbitmqctl"), reason="needs rabbitmqctl to see queues")
async def test_every_kind_of_person_is_forgotten_by_their_address(
    system: System, mail_sink: Any
) -> None:
    # Four emails asked for by the address in one day (join, pledge, letter, erasure): one more
    # than the default allowance.
    await start_everything(
        system, mail_sink, signups_env={"SIGNUPS_EMAILS_PER_ADDRESS_PER_DAY": "5"}
    )
    tag = uuid.uuid4().hex[:6]
    email = f"every-kind-{tag}@example.org"
    name = f"Morwenna Pengelly{tag}"
    phone = f"07700 900{random.randint(100, 999)}"  # noqa: S311 (a test value)
    e164 = "+44" + phone.replace(" ", "")[1:]
    needles = [email, name, phone, phone.replace(" ", ""), e164, HOME, HOME.replace(" ", "")]
    story_title = f"Tea on the green {tag}"
    thanked = f"The night team on Ward {tag}"
    event_title = f"Garden tidy-up {tag}"
    signups = system.url("signups")

    async with (
        event_probe(system.rabbitmq_url, ["#"]) as probe,
        httpx.AsyncClient(timeout=30) as client,
    ):
        # A volunteer, who confirms.
        joined = await client.post(
            f"{signups}/join",
            data={
                "name": name,
                "email": email,
                "postcode": HOME,
                "phone": phone,
                "interests": ["sport"],
                "availability": ["weekends"],
                "travel_radius_km": "15",
                "language": "en",
                "consent_matched_events": "yes",
                "connector": "yes",
            },
        )
        assert joined.status_code == 303, joined.text
        confirmation = await mail_to(mail_sink, email, "Confirm your email address")
        await follow_confirmation(link(plain_text(confirmation), f"{signups}/confirm/"))

        # A story author (their phone in the story, redacted before it is published) and an
        # event organiser, both approved; and an organisation's contact.
        await share_story(
            system,
            name=name,
            email=email,
            title=story_title,
            text=f"We meet for tea on the green every Sunday. Ring me on {phone} to join us.",
        )
        await thank(
            system,
            name=name,
            email=email,
            who=thanked,
            what_for=f"You rang me every day when I was shielding. I am on {phone}, say hello.",
        )
        event_id = await list_event(system, email=email, title=event_title)
        await approve_all(system, story_title=story_title, thanked=thanked, event_title=event_title)
        organisation = await client.post(
            f"{signups}/join/organisation",
            data={
                "name": f"Green Street Tea Club {tag}",
                "organisation_type": "community-group",
                "contact_name": name,
                "contact_email": email,
                "postcode": HOME,
                "language": "en",
                "pledge": "We will host tea on the green every month.",
                "pledge_categories": ["community-events"],
                "website": "",
            },
        )
        assert organisation.status_code == 303, organisation.text
        signed = await client.post(
            f"{signups}/letter",
            data={
                "kind": "person",
                "name": name,
                "town": "Cardiff",
                "email": email,
                "nation": "wales",
                "public": "yes",
                "invite": "yes",
                "language": "en",
            },
        )
        assert signed.status_code == 303, signed.text
        signature = await mail_to(mail_sink, email, "Confirm your signature of the open letter")
        await follow_confirmation(link(plain_text(signature), f"{signups}/confirm/"))
        assert name in html.unescape((await client.get(f"{signups}/letter")).text)

        async def published_story() -> str:
            return html.unescape((await client.get(f"{system.url('moderation')}/stories")).text)

        await eventually(
            published_story, until=lambda page: story_title in page, timeout=STEP, what="story"
        )
        await mail_to(mail_sink, email, "Your story is published")
        await mail_to(mail_sink, email, "Your thank-you is on the wall")
        thanks_wall = html.unescape((await client.get(f"{system.url('moderation')}/thanks")).text)
        assert thanked in thanks_wall
        assert name in thanks_wall
        await mail_to(mail_sink, email, f"Your event is live: {event_title}")
        await mail_to(
            mail_sink, email, "Please confirm your email to publish your organisation's pledge"
        )

        before = await holders(system, needles)
        held_by = {entry.split(".")[0] for entry in before}
        assert held_by == set(SERVICES), before

        # Subject access: one document from all four services.
        asked = await client.post(
            f"{signups}/api/v1/admin/access", json={"email": email}, headers=ADMIN
        )
        assert asked.status_code == 202, asked.text

        async def export() -> httpx.Response:
            return await client.get(
                f"{signups}/api/v1/admin/access/{asked.json()['id']}", headers=ADMIN
            )

        answered = await eventually(
            export, until=lambda r: r.status_code == 200, timeout=STEP, what="the export"
        )
        held = answered.json()["held"]
        assert held["signups"]["volunteer"]["details"]["phone"] == e164
        assert [o["details"]["contact_name"] for o in held["signups"]["organisations"]] == [name]
        [signature_held] = held["signups"]["letter_signatures"]
        assert signature_held["details"]["email"] == email
        assert signature_held["confirmed_at"] is not None
        assert [s["title"] for s in held["moderation"]["stories"]] == [story_title]
        connector_held = held["moderation"]["community_connector"]
        assert (connector_held["email"], connector_held["phone"]) == (email, e164)
        [thanks_held] = held["moderation"]["thanks"]
        assert (thanks_held["who"], thanks_held["author_email"]) == (thanked, email)
        assert [e["id"] for e in held["matching"]["events_listed"]] == [event_id]
        assert held["matching"]["volunteer"]["outward_code"] == "CF10"
        assert held["notifications"]["contact"]["email"] == email
        assert {m["template"] for m in held["notifications"]["messages"]} >= {
            "volunteer_confirm",
            "story_approved",
            "event_published",
            "organisation_welcome",
            "thanks_approved",
            "letter_confirm",
        }

        taken = await backup(system, RESTORED)

        # A dead letter about them waits in notifications (its consumer gave up on it earlier).
        [registered] = [m for m in probe.messages if m.routing_key == "volunteer.registered"]
        await dead_letter(system, registered, service="notifications", purpose="volunteers")
        assert await queued_holders(system, [email]) != []

        # Forgotten, by their address.
        asked_to_forget = await client.post(f"{signups}/forget", data={"email": email})
        assert asked_to_forget.status_code == 200
        letter = await mail_to(mail_sink, email, "Confirm that we should forget you")
        forget_url = link(plain_text(letter), f"{signups}/forget/")
        assert (await client.get(forget_url)).status_code == 200
        erased = await client.post(forget_url)
        assert erased.status_code == 200, erased.text

        async def requested() -> dict[str, Any] | None:
            return next((e for e in probe.events if e["type"] == "person.erasure_requested"), None)

        erasure = await eventually(requested, timeout=STEP, what="person.erasure_requested")
        assert erasure is not None
        assert email not in json.dumps(erasure)

        async def status() -> dict[str, Any]:
            answer = await client.get(
                f"{signups}/api/v1/erasures/{erasure['data']['erasure_id']}", headers=ADMIN
            )
            return dict(answer.json())

        await eventually(
            status, until=lambda s: s.get("complete") is True, timeout=STEP, what="4 answers"
        )
        await eventually(
            lambda: holders(system, needles),
            until=lambda found: not found,
            timeout=STEP,
            what="no database holding their name, email, phone or postcode",
        )
        moderation = system.url("moderation")
        assert story_title not in html.unescape((await client.get(f"{moderation}/stories")).text)
        api = (await client.get(f"{moderation}/api/v1/stories")).json()
        assert story_title not in json.dumps(api)
        for path in ("/thanks", "/thanks/5-july", "/api/v1/thanks"):
            assert thanked not in html.unescape((await client.get(f"{moderation}{path}")).text)
        assert name not in html.unescape((await client.get(f"{signups}/letter")).text)

        # The dead letter about them is dropped, not replayed; no queue holds them.
        replayed = await asyncio.to_thread(
            together,
            system,
            *("dlq", "replay", "--service", "notifications", "--all"),
            *("--database", system.database("notifications")),
        )
        assert "dropped 1 dead letter(s) about erased people" in replayed, replayed
        assert await queued_holders(system, needles) == []

        # A restore from the backup brings them back in two services; re-applying every recorded
        # erasure (the runbook's step after any restore) forgets them again.
        await restore(system, taken)
        restored = {entry.split(".")[0] for entry in await holders(system, needles)}
        assert restored == set(RESTORED)
        databases = [
            arg for service in SERVICES for arg in ("--database", system.database(service))
        ]
        reapplied = await asyncio.to_thread(together, system, "erasures", "reapply", *databases)
        assert "re-published 1 erasure(s)" in reapplied, reapplied
        await eventually(
            lambda: holders(system, needles),
            until=lambda found: not found,
            timeout=STEP,
            what="nothing brought back by the restore left",
        )
        assert story_title not in html.unescape((await client.get(f"{moderation}/stories")).text)

    # Replay everything the exchange carried: nothing comes back.
    captured = list(probe.messages)
    assert len(captured) > 20
    async with event_probe(system.rabbitmq_url, ["#"]) as replay_probe:
        for message in captured:
            await publish_raw(
                system.rabbitmq_url,
                message.body,
                routing_key=message.routing_key or "",
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                headers=dict(message.headers or {}),
            )

        async def replayed_count() -> int:
            return len(replay_probe.messages)

        await eventually(replayed_count, until=lambda n: n >= len(captured), timeout=STEP)
    await eventually(
        lambda: asyncio.to_thread(queued_messages, system.vhost),
        until=lambda n: n == 0,
        timeout=STEP,
        interval=0.5,
        what="every replayed message consumed",
    )
    assert await holders(system, needles) == []
    assert await queued_holders(system, needles) == []
    async with httpx.AsyncClient(base_url=signups, timeout=30) as client:
        found = await client.get("/api/v1/signups", params={"email": email}, headers=ADMIN)
        assert found.json() == []
    assert urlsplit(forget_url).path.startswith("/forget/")
