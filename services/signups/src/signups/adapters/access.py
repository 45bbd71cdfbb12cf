"""Subject access requests: signups' own part and each service's answer, kept until the admin
fetches the export (once) or for a week at most (a TTL index). The answers are personal data."""

import contextlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo.errors import DuplicateKeyError
from together_contracts import IntegrationEvent
from together_kit.messaging.outbox import AggregateCollection, AggregateNotFoundError

ACCESS_KEPT_SECONDS = 7 * 24 * 3600


class MongoAccessRepository:
    def __init__(self, requests: AggregateCollection) -> None:
        self.requests = requests

    async def ensure_indexes(self) -> None:
        await self.requests.collection.create_index(
            "requested_at", expireAfterSeconds=ACCESS_KEPT_SECONDS
        )

    async def start(
        self,
        *,
        access_id: UUID,
        digest: str,
        own: Mapping[str, Any],
        at: datetime,
        events: Sequence[IntegrationEvent],
    ) -> None:
        await self.requests.insert(
            {
                "_id": str(access_id),
                "email_digest": digest,
                "requested_at": at,
                "answers": {"signups": dict(own)},
            },
            events,
        )

    async def answered(self, access_id: UUID, service: str, held: Mapping[str, Any]) -> None:
        """Keep a service's answer once; an answer to an unknown (or fetched) request is dropped.
        The answers are written whole, never through an `answers.<service>` path (ADR 0001)."""

        def answer(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            answers = dict(document.get("answers", {}))
            answers.setdefault(service, dict(held))
            return {"answers": answers}, []

        with contextlib.suppress(AggregateNotFoundError, DuplicateKeyError):
            await self.requests.update(str(access_id), answer)

    async def get(self, access_id: UUID) -> dict[str, Any] | None:
        return await self.requests.collection.find_one({"_id": str(access_id)})

    async def delete(self, access_id: UUID) -> bool:
        return await self.requests.delete(str(access_id))
