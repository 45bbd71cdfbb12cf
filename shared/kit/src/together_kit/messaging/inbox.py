"""Idempotent consumers: each event id takes effect at most once per consumer (docs/adr/0002-outbox.md).

The consumer guard asks `seen` before a handler runs and calls `record` after it succeeds. A crash
between the handler's write and `record` means a redelivery runs the handler again, so handlers make
their writes idempotent under the event id (insert keyed by it, or an update guarded by it); the
inbox turns every ordinary redelivery into a no-op without touching the handler at all.
"""

import contextlib
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

Document = dict[str, Any]


class Inbox:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("consumer")

    async def seen(self, *, consumer: str, event_id: str) -> bool:
        return (
            await self.collection.find_one({"_id": f"{consumer}:{event_id}"}, {"_id": 1})
            is not None
        )

    async def record(self, *, consumer: str, event_id: str, event_type: str) -> None:
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.insert_one(
                {
                    "_id": f"{consumer}:{event_id}",
                    "consumer": consumer,
                    "event_id": event_id,
                    "type": event_type,
                    "processed_at": datetime.now(UTC),
                }
            )
