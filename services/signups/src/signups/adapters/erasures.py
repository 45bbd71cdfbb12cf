"""Erasures: the record of each (with its event and the services' answers) and the tombstones.

A tombstone is a keyed hash (HMAC-SHA256 with the service's secret) of the normalised email: it
says that an address was erased without keeping the address, and does not stop a later rejoin.
"""

import contextlib
import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from together_contracts import Event
from together_kit.outbox import AggregateCollection, AggregateNotFoundError


class ErasureRepository(Protocol):
    async def record(
        self,
        *,
        erasure_id: UUID,
        person_id: UUID,
        reason: str,
        email: str | None,
        at: datetime,
        events: Sequence[Event],
    ) -> bool: ...
    async def for_person(self, person_id: UUID) -> dict[str, Any] | None: ...
    async def get(self, erasure_id: UUID) -> dict[str, Any] | None: ...
    async def answered(self, *, erasure_id: UUID, service: str, at: datetime) -> None: ...


class MongoErasureRepository:
    def __init__(
        self,
        erasures: AggregateCollection,
        tombstones: AsyncCollection[dict[str, Any]],
        *,
        key: bytes,
    ) -> None:
        self.erasures = erasures
        self.tombstones = tombstones
        self._key = key

    async def ensure_indexes(self) -> None:
        await self.erasures.collection.create_index("person_id", unique=True)

    def email_hash(self, email: str) -> str:
        return hmac.new(self._key, email.encode(), hashlib.sha256).hexdigest()

    async def record(
        self,
        *,
        erasure_id: UUID,
        person_id: UUID,
        reason: str,
        email: str | None,
        at: datetime,
        events: Sequence[Event],
    ) -> bool:
        """Record an erasure once per person; return False when one was recorded already."""
        if email is not None:
            await self.tombstones.replace_one(
                {"_id": self.email_hash(email)}, {"erased_at": at}, upsert=True
            )
        try:
            await self.erasures.insert(
                {
                    "_id": str(erasure_id),
                    "person_id": str(person_id),
                    "reason": reason,
                    "requested_at": at,
                    "answers": {},
                },
                events,
            )
        except DuplicateKeyError:
            return False
        return True

    async def for_person(self, person_id: UUID) -> dict[str, Any] | None:
        return await self.erasures.collection.find_one({"person_id": str(person_id)})

    async def get(self, erasure_id: UUID) -> dict[str, Any] | None:
        return await self.erasures.collection.find_one({"_id": str(erasure_id)})

    async def answered(self, *, erasure_id: UUID, service: str, at: datetime) -> None:
        """Note a service's answer once; an answer to an unknown erasure is ignored.

        The answers are written whole (no `answers.<service>` path): the embedded store turns a
        datetime set through a dotted path into a string.
        """

        def answer(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[Event]]:
            answers = dict(document.get("answers", {}))
            answers.setdefault(service, at)
            return {"answers": answers}, []

        with contextlib.suppress(AggregateNotFoundError):
            await self.erasures.update(str(erasure_id), answer)

    async def tombstoned(self, email: str) -> bool:
        return await self.tombstones.find_one({"_id": self.email_hash(email)}) is not None
