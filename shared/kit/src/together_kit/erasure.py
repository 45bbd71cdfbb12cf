"""Answering `person.erasure_requested`, and the tombstones every service keeps of what it erased.

A service deletes what it holds first, then calls `ErasureAnswers.answer`, which records the answer
with its `person.erased` event in one write (the outbox). A redelivery (or `together erasures
reapply` after a restore) finds the record, erases again and tells nothing twice.

The record is the service's tombstone: in the `erasures` collection of every service's database,
`_id` the erasure id, `person_id` (signups' id, when there was one), `email_digest` (the keyed
digest of the address, `together_contracts.email_digest`), `phone_digest` (of the phone number,
when erased by it) and the time. It holds no personal data,
and it is what `together dlq replay` checks (a dead letter about an erased person is dropped, not
replayed) and what `together erasures reapply` re-publishes.
"""

import contextlib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from together_contracts import (
    PersonErased,
    PersonErasedData,
    PersonErasureRequested,
    email_digest,
)

from together_kit.messaging.declaring import OPERATOR_CONNECT_SECONDS
from together_kit.messaging.outbox import AggregateCollection

TOMBSTONES = "erasures"
"""The collection of every service's database that holds its tombstones."""

ALWAYS_REPLAYED = frozenset({PersonErasureRequested.routing_key, PersonErased.routing_key})
"""Events about an erasure itself: replaying one only erases again."""

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def tombstone(
    *,
    erasure_id: UUID,
    person_id: UUID | None,
    digest: str | None,
    at: datetime,
    phone: str | None = None,
) -> dict[str, Any]:
    """A tombstone document: ids, the keyed digests (of the address and of the phone number, as
    the erasure named them) and a time; nothing personal."""
    return {
        "_id": str(erasure_id),
        "person_id": str(person_id) if person_id else None,
        "email_digest": digest,
        "phone_digest": phone,
        "answered_at": at,
    }


class ErasureAnswers:
    def __init__(self, answers: AggregateCollection, *, service: str) -> None:
        self.answers = answers
        self.service = service

    async def answer(self, request: PersonErasureRequested) -> None:
        erased = PersonErased(
            producer=self.service,
            correlation_id=request.correlation_id,
            causation_id=request.id,
            data=PersonErasedData(
                erasure_id=request.data.erasure_id,
                person_id=request.data.person_id,
                service=self.service,
            ),
        )
        document = tombstone(
            erasure_id=request.data.erasure_id,
            person_id=request.data.person_id,
            digest=request.data.email_digest,
            phone=request.data.phone_digest,
            at=erased.occurred_at,
        )
        with contextlib.suppress(DuplicateKeyError):
            await self.answers.insert(document, [erased])


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class Tombstones:
    """Whether an event is about someone this service has erased, by its tombstones."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], *, key: bytes) -> None:
        self.collection = db[TOMBSTONES]
        self.key = key

    async def covers(self, body: bytes) -> bool:
        """True when the event's data names an erased person: their id, an address whose digest
        is tombstoned, or the digest itself. Erasure events themselves are never covered."""
        try:
            event = json.loads(body)
        except ValueError:
            return False
        if not isinstance(event, dict) or event.get("type") in ALWAYS_REPLAYED:
            return False
        ids: set[str] = set()
        digests: set[str] = set()
        for text in _strings(event.get("data")):
            lowered = text.strip().lower()
            if _UUID.match(lowered):
                ids.add(lowered)
            elif _DIGEST.match(lowered):
                digests.add(lowered)
            elif _EMAIL.match(lowered):
                digests.add(email_digest(lowered, key=self.key))
        if not ids and not digests:
            return False
        found = await self.collection.find_one(
            {
                "$or": [
                    {"person_id": {"$in": sorted(ids)}},
                    {"email_digest": {"$in": sorted(digests)}},
                ]
            }
        )
        return found is not None

    async def every(self) -> list[dict[str, Any]]:
        """Every tombstone, oldest first."""
        return await self.collection.find({}).to_list()


async def reapply(*, mongodb_url: str, databases: list[str], rabbitmq_url: str) -> int:
    """Re-publish `person.erasure_requested` for every erasure any of these databases recorded
    (after a restore from backup: each service erases again what came back, and answers no second
    time). One event per erasure id, however many services hold its tombstone; return how many."""
    import aio_pika
    from pymongo import AsyncMongoClient
    from together_contracts import PersonErasureRequestedData

    from together_kit.messaging.topology import EVENTS

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        mongodb_url, serverSelectionTimeoutMS=10_000, tz_aware=True
    )
    erasures: dict[str, PersonErasureRequestedData] = {}
    try:
        for name in databases:
            async for found in client[name][TOMBSTONES].find({}):
                known = erasures.get(str(found["_id"]))
                person_id = found.get("person_id") or (known and known.person_id) or None
                digest = found.get("email_digest") or (known and known.email_digest) or None
                phone = found.get("phone_digest") or (known and known.phone_digest) or None
                erasures[str(found["_id"])] = PersonErasureRequestedData(
                    erasure_id=UUID(str(found["_id"])),
                    person_id=UUID(str(person_id)) if person_id else None,
                    email_digest=digest,
                    phone_digest=phone,
                )
    finally:
        await client.close()
    if not erasures:
        return 0
    connection = await aio_pika.connect(rabbitmq_url, timeout=OPERATOR_CONNECT_SECONDS)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            EVENTS.name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        run = f"reapply-{uuid4().hex}"
        for data in erasures.values():
            event = PersonErasureRequested(producer="operator", correlation_id=run, data=data)
            message = aio_pika.Message(
                event.model_dump_json().encode(),
                message_id=str(event.id),
                correlation_id=event.correlation_id,
                type=event.type,
                content_type="application/json",
                headers={"x-event-version": event.version, "x-producer": event.producer},
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await exchange.publish(message, routing_key=event.routing_key)
    finally:
        await connection.close()
    return len(erasures)


async def backfill_digests(
    collection: Any, *, address_field: str, digest_field: str, key: bytes
) -> int:
    """Give every document stored before its keyed digest existed (or with the plain SHA-256 of
    before) the digest of its address, so erasure and access find it; return how many. Run at
    start-up (from `ensure_indexes`); a later write recomputes the digest anyway."""
    filled = 0
    async for document in collection.find({digest_field: {"$exists": False}}, {address_field: 1}):
        address = document.get(address_field)
        digest = email_digest(address, key=key) if isinstance(address, str) and address else None
        await collection.update_one(
            {"_id": document["_id"], digest_field: {"$exists": False}},
            {"$set": {digest_field: digest}},
        )
        filled += 1
    return filled
