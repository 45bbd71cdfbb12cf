"""The notifications app in-process: volunteer.registered from the real broker into its own store.

The queue `notifications.volunteers` is shared by every notifications app in this test session's
virtual host, so each test looks only at its own database and its own event ids, and stops its app
before it ends.
"""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from notifications.adapters.handover_journal import IN_MEMORY
from notifications.bootstrap import create_app
from notifications.settings import Settings
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import (
    PersonErased,
    PersonErasureRequested,
    PersonErasureRequestedData,
    VolunteerRegistered,
    VolunteerRegisteredData,
)
from together_kit.runtime import ServiceRuntime
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import consumed

pytestmark = pytest.mark.integration

Document = dict[str, Any]
QUEUE = "notifications.volunteers"


@dataclass
class Notifications:
    app: FastAPI
    db: AsyncDatabase[Document]

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    def consumed(self, outcome: str) -> int:
        """Messages this app's consumer took from its queue with this outcome."""
        return consumed(self.app, outcome, queue=QUEUE)

    async def contact(self, person_id: uuid.UUID) -> Document | None:
        return await self.db["contacts"].find_one({"_id": str(person_id)})

    async def confirmations(self, event: VolunteerRegistered) -> int:
        """The messages recorded for the event (its confirmation link): one, however often it
        comes. No inbox record is kept for it (its handlers are keyed)."""
        return await self.db["messages"].count_documents({"cause_event_id": str(event.id)})


@pytest.fixture
async def notifications(
    rabbitmq_url: str, mongodb_url: str, database_name: str
) -> AsyncIterator[Notifications]:
    app = create_app(
        Settings(
            rabbitmq_url=rabbitmq_url,
            mongodb_url=mongodb_url,
            mongodb_database=database_name,
            port=0,
            handover_journal_path=IN_MEMORY,
        )
    )
    inspector: AsyncMongoClient[Document] = AsyncMongoClient(
        mongodb_url, tz_aware=True, uuidRepresentation="standard"
    )
    try:
        async with app.router.lifespan_context(app):
            yield Notifications(app, inspector[database_name])
    finally:
        await inspector.close()


def registered(name: str, *, language: str = "en") -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="signups",
        correlation_id=f"corr-{uuid.uuid4().hex[:8]}",
        data=VolunteerRegisteredData(
            person_id=uuid.uuid4(),
            name=name,
            email=f"{name.lower()}.{uuid.uuid4().hex[:8]}@example.org",
            language=language,  # type: ignore[arg-type]
        ),
    )


async def recorded(notifications: Notifications, event: VolunteerRegistered) -> Document:
    """Wait until the event's confirmation link and contact are stored."""

    async def look() -> tuple[Document | None, int]:
        return (
            await notifications.contact(event.data.person_id),
            await notifications.confirmations(event),
        )

    contact, _ = await eventually(
        look,
        until=lambda found: found[0] is not None and found[1] >= 1,
        what=f"contact and confirmation for {event.data.name}",
    )
    assert contact is not None
    return contact


async def test_registration_becomes_a_contact(
    notifications: Notifications, rabbitmq_url: str
) -> None:
    event = registered("Bethan", language="cy")

    await publish_event(rabbitmq_url, event)
    contact = await recorded(notifications, event)

    assert contact["_id"] == str(event.data.person_id)
    assert contact["person_id"] == str(event.data.person_id)
    assert contact["name"] == "Bethan"
    assert contact["email"] == event.data.email
    assert contact["language"] == "cy"
    assert contact["registered_event_id"] == str(event.id)
    assert abs(contact["registered_at"] - event.occurred_at) < timedelta(milliseconds=1)


async def test_redelivered_event_takes_effect_once(
    notifications: Notifications, rabbitmq_url: str
) -> None:
    first = registered("Ann")
    second = registered("Cai")

    await publish_event(rabbitmq_url, first)
    await recorded(notifications, first)
    await publish_event(rabbitmq_url, first)
    await publish_event(rabbitmq_url, second)
    await recorded(notifications, second)
    await eventually(
        lambda: _value(notifications.consumed("duplicate")),
        until=lambda n: n >= 1,
        what="the repeated event consumed as a duplicate",
    )

    contacts = notifications.db["contacts"]
    assert await contacts.count_documents({"_id": str(first.data.person_id)}) == 1
    assert await contacts.count_documents({"email": first.data.email}) == 1
    assert await notifications.confirmations(first) == 1
    assert await notifications.confirmations(second) == 1
    assert (await notifications.contact(first.data.person_id) or {})["name"] == "Ann"


async def test_same_event_delivered_twice_at_once_still_one_contact(
    notifications: Notifications, rabbitmq_url: str
) -> None:
    """Both copies may be handled at once (the consumer takes up to its prefetch at a time, and
    keeps no inbox for this event): the writes are keyed, so one wins and the other is a
    duplicate."""
    event = registered("Dafydd")
    before = notifications.consumed("duplicate")

    await publish_event(rabbitmq_url, event)
    await publish_event(rabbitmq_url, event)
    await recorded(notifications, event)
    await eventually(
        lambda: _value(notifications.consumed("duplicate") - before),
        until=lambda n: n >= 1,
        what="the second copy consumed as a duplicate",
    )

    assert await notifications.db["contacts"].count_documents({"email": event.data.email}) == 1
    assert await notifications.confirmations(event) == 1


async def _value(value: int) -> int:
    return value


async def test_erasure_request_deletes_the_contact_and_answers_once(
    notifications: Notifications, rabbitmq_url: str
) -> None:
    joined = registered("Erin")
    await publish_event(rabbitmq_url, joined)
    await recorded(notifications, joined)
    request = erasure_of(joined, "erase-1")
    async with event_probe(rabbitmq_url, [PersonErased.routing_key]) as probe:
        for _ in range(2):
            await publish_event(rabbitmq_url, request)

        async def answers() -> list[dict[str, Any]]:
            return [
                e for e in probe.events if e["data"]["erasure_id"] == str(request.data.erasure_id)
            ]

        [answer] = await eventually(
            answers, until=lambda found: len(found) >= 1, what="person.erased"
        )
        await eventually(
            lambda: _inbox_count(notifications, request),
            until=lambda n: n == 1,
            what="both handled",
        )
    assert await notifications.contact(joined.data.person_id) is None
    assert answer["data"]["service"] == "notifications"
    assert answer["causation_id"] == str(request.id)
    assert len(await answers()) == 1


def erasure_of(joined: VolunteerRegistered, correlation_id: str) -> PersonErasureRequested:
    return PersonErasureRequested(
        producer="signups",
        correlation_id=correlation_id,
        data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), person_id=joined.data.person_id),
    )


async def _inbox_count(notifications: Notifications, event: PersonErasureRequested) -> int:
    return await notifications.db["inbox"].count_documents({"event_id": str(event.id)})


async def test_a_registration_redelivered_after_erasure_does_not_bring_the_contact_back(
    notifications: Notifications, rabbitmq_url: str
) -> None:
    """No inbox is kept for `volunteer.registered`: the redelivery finds its confirmation
    scrubbed by the erasure and ends there, before the contact is written again."""
    joined = registered("Gethin")
    await publish_event(rabbitmq_url, joined)
    await recorded(notifications, joined)
    request = erasure_of(joined, "erase-2")
    async with event_probe(rabbitmq_url, [PersonErased.routing_key]) as probe:
        await publish_event(rabbitmq_url, request)
        await eventually(lambda: _answers(probe.events, request), until=bool, what="person.erased")
    assert await notifications.contact(joined.data.person_id) is None
    before = notifications.consumed("duplicate")

    await publish_event(rabbitmq_url, joined)
    await eventually(
        lambda: _value(notifications.consumed("duplicate") - before),
        until=lambda n: n >= 1,
        what="the redelivered registration consumed as a duplicate",
    )

    assert await notifications.contact(joined.data.person_id) is None
    [confirmation] = [
        d async for d in notifications.db["messages"].find({"cause_event_id": str(joined.id)})
    ]
    assert confirmation["erased"]
    assert confirmation["recipient"] == ""


async def _answers(
    events: list[dict[str, Any]], request: PersonErasureRequested
) -> list[dict[str, Any]]:
    return [e for e in events if e["data"]["erasure_id"] == str(request.data.erasure_id)]
