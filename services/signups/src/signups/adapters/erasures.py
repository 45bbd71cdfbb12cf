"""Erasures: the record of each (with its event and the services' answers) and the tombstones.

A tombstone is the keyed digest (`together_contracts.email_digest`, HMAC-SHA256 with the erasure
key every service shares) of the normalised email: it says that an address was erased without
keeping the address, and does not stop a later rejoin. Each erasure record holds the same digest
and the person's id (when there was a person), which `together dlq replay` and `together erasures
reapply` read like every service's tombstones (together_kit.erasure).

An erasure asked for an address signups does not hold as a volunteer is first a pending request
(`erasure_requests`: the digest and a time, nothing else) whose id the emailed link carries.
"""

import contextlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError
from together_contracts import IntegrationEvent, email_digest
from together_kit.messaging.outbox import AggregateCollection, AggregateNotFoundError

REQUESTS_KEPT_SECONDS = 2 * 24 * 3600
"""A request by address is kept two days (its link works for one), then goes by a TTL index."""


class MongoErasureRepository:
    def __init__(
        self,
        erasures: AggregateCollection,
        tombstones: AsyncCollection[dict[str, Any]],
        *,
        key: bytes,
        requests: AggregateCollection,
    ) -> None:
        self.erasures = erasures
        self.tombstones = tombstones
        self.requests = requests
        self._key = key

    async def ensure_indexes(self) -> None:
        # Sparse: an erasure asked for by address alone has no person id. The index before it
        # (`person_id_1`) was not, and would refuse a second such erasure.
        with contextlib.suppress(PyMongoError):
            await self.erasures.collection.drop_index("person_id_1")
        await self.erasures.collection.create_index(
            "person_id", unique=True, sparse=True, name="person_id_once"
        )
        await self.erasures.collection.create_index("email_digest", sparse=True)
        await self.requests.collection.create_index(
            "asked_at", expireAfterSeconds=REQUESTS_KEPT_SECONDS
        )

    def email_hash(self, email: str) -> str:
        return email_digest(email, key=self._key)

    async def ask(
        self, *, request_id: UUID, digest: str, at: datetime, events: Sequence[IntegrationEvent]
    ) -> None:
        await self.requests.insert(
            {"_id": str(request_id), "email_digest": digest, "asked_at": at, "erasure_id": None},
            events,
        )

    async def asked(self, request_id: UUID) -> dict[str, Any] | None:
        return await self.requests.collection.find_one({"_id": str(request_id)})

    async def confirmed(self, request_id: UUID, erasure_id: UUID) -> None:
        def confirm(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            return {"erasure_id": str(erasure_id)}, []

        with contextlib.suppress(AggregateNotFoundError):
            await self.requests.update(str(request_id), confirm)

    def every(self) -> Any:
        return self.erasures.collection.find({})

    async def record(
        self,
        *,
        erasure_id: UUID,
        person_id: UUID | None,
        reason: str,
        email: str | None,
        at: datetime,
        events: Sequence[IntegrationEvent],
        digest: str | None = None,
        note: str | None = None,
    ) -> bool:
        """Record an erasure once per person; return False when one was recorded already.
        `note`: how the person asked, when they asked staff (`asked by letter, staff: …`)."""
        digest = digest or (self.email_hash(email) if email is not None else None)
        if digest is not None:
            await self.tombstones.replace_one({"_id": digest}, {"erased_at": at}, upsert=True)
        document: dict[str, Any] = {
            "_id": str(erasure_id),
            "reason": reason,
            "requested_at": at,
            "answers": {},
            "email_digest": digest,
        }
        if person_id is not None:
            document["person_id"] = str(person_id)
        if note is not None:
            document["note"] = note
        try:
            await self.erasures.insert(document, events)
        except DuplicateKeyError:
            return False
        return True

    async def for_person(self, person_id: UUID) -> dict[str, Any] | None:
        return await self.erasures.collection.find_one({"person_id": str(person_id)})

    async def get(self, erasure_id: UUID) -> dict[str, Any] | None:
        return await self.erasures.collection.find_one({"_id": str(erasure_id)})

    async def answered(self, *, erasure_id: UUID, service: str, at: datetime) -> None:
        """Note a service's answer once; an answer to an unknown erasure is ignored. The answers
        are written whole, never through an `answers.<service>` path (ADR 0001)."""

        def answer(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            answers = dict(document.get("answers", {}))
            answers.setdefault(service, at)
            return {"answers": answers}, []

        with contextlib.suppress(AggregateNotFoundError):
            await self.erasures.update(str(erasure_id), answer)

    async def tombstoned(self, email: str) -> bool:
        return await self.tombstones.find_one({"_id": self.email_hash(email)}) is not None
