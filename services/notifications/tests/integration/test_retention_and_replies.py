"""What the delivery log keeps: SMTP replies as codes only, and each message for a limited time."""

import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest
from notifications.bootstrap import create_app
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import VolunteerRegistered, VolunteerRegisteredData
from together_kit.testing.clock import Clock
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.retention import ids, ttl_seconds
from together_kit.testing.waiting import eventually

from .conftest import Notifications, Sink, unique_address

pytestmark = pytest.mark.integration
Document = dict[str, Any]


def registered(address: str) -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="signups",
        correlation_id=f"corr-{uuid.uuid4().hex[:8]}",
        data=VolunteerRegisteredData(
            person_id=uuid.uuid4(),
            name="Gwen Morgan",
            email=address,
            confirm_url=f"https://join.example/confirm/{uuid.uuid4().hex}",
        ),
    )


async def finished(db: AsyncDatabase[Document], address: str) -> Document:
    async def look() -> Document | None:
        return await db["messages"].find_one(
            {"recipient": address, "status": {"$in": ["sent", "failed"]}}
        )

    found = await eventually(look, what=f"the message to {address} finished")
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("refusal", "kept"),
    [
        ("550 5.1.1 <{address}>: Recipient address rejected: User unknown", "550 5.1.1"),
        ("553 Mailbox name {address} not allowed", "553"),
    ],
)
async def test_an_smtp_refusal_is_kept_and_told_as_its_codes_only(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str, refusal: str, kept: str
) -> None:
    address = unique_address("gwen")
    smtp_sink.handler.refuse[address] = refusal.format(address=address)
    event = registered(address)

    async with event_probe(rabbitmq_url, ["notification.failed"]) as probe:
        await publish_event(rabbitmq_url, event)
        logged = await finished(notifications.db, address)
        [failure] = await eventually(
            lambda: _caused_by(probe.events, event), what="notification.failed"
        )

    assert logged["reason"] == kept
    assert failure["data"]["reason"] == kept
    assert address not in json.dumps(failure)
    suppressions = [s async for s in notifications.db["suppressions"].find({})]
    assert suppressions, "the refused address is suppressed"
    assert address not in json.dumps(suppressions, default=str)


async def test_a_temporary_reply_is_kept_as_its_codes_only(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("hywel")
    smtp_sink.handler.replies[address] = [f"452 4.2.2 {address}: mailbox full"] * 10

    await publish_event(rabbitmq_url, registered(address))
    logged = await finished(notifications.db, address)

    assert (logged["status"], logged["reason"]) == ("failed", "452 4.2.2")


async def _caused_by(events: list[Document], cause: VolunteerRegistered) -> list[Document]:
    return [e for e in events if e["data"]["cause_event_id"] == str(cause.id)]


@pytest.fixture
async def clocked(
    settings_for: Callable[..., Settings], inspector: AsyncDatabase[Document]
) -> AsyncIterator[tuple[Notifications, Clock]]:
    clock = Clock()
    app = create_app(settings_for(retention_sweep_seconds=0.2), clock=clock)
    async with app.router.lifespan_context(app):
        yield Notifications(app, inspector), clock


async def test_the_delivery_log_forgets_a_message_after_its_retention(
    clocked: tuple[Notifications, Clock], smtp_sink: Sink, rabbitmq_url: str
) -> None:
    notifications, clock = clocked
    assert Settings(port=0).delivery_log_retention_days == 90.0
    messages = notifications.db["messages"]
    assert await ttl_seconds(messages, "retained_from") == 90 * 86_400
    address = unique_address("iolo")

    await publish_event(rabbitmq_url, registered(address))
    logged = await finished(notifications.db, address)
    assert isinstance(logged["retained_from"], datetime), "a real date, which a TTL index needs"
    clock.advance(days=91)
    await eventually(
        lambda: ids(messages),
        until=lambda left: logged["_id"] not in left,
        what="the message swept from the delivery log",
    )


async def test_messages_logged_before_are_dated_at_start(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    settings = settings_for(retention_sweep_seconds=0.2)
    address = unique_address("jac")
    first = create_app(settings)
    async with first.router.lifespan_context(first):
        await publish_event(rabbitmq_url, registered(address))
        logged = await finished(inspector, address)
    await inspector["messages"].update_one(
        {"_id": logged["_id"]}, {"$unset": {"retained_from": ""}}
    )
    clock = Clock()
    again = create_app(settings, clock=clock)
    async with again.router.lifespan_context(again):
        clock.advance(days=91)
        await eventually(
            lambda: ids(inspector["messages"]),
            until=lambda left: logged["_id"] not in left,
            what="the undated message swept",
        )
