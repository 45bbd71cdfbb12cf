"""Texts received at the coalition's number, one record each, keyed by the id derived from the
provider's: a resent webhook finds its text recorded and does nothing again.

The record holds what was asked and the number's digest, never the number or the words (a story
lives in moderation, not here); it carries in its outbox the events the text caused
(`volunteer.texts_stopped`, `match.answered`, `text.received`), so recording the text and telling
the other services are one write. Records go after 90 days (bootstrap's retention), long after
any provider resends.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from together_contracts import IntegrationEvent
from together_kit.messaging.outbox import AggregateCollection
from together_kit.stored import epoch

Document = dict[str, Any]
RECEIVED_ON = "received_on"
"""A real date, for the retention sweep (and MongoDB's TTL index)."""


class MongoInboundTexts:
    def __init__(self, texts: AggregateCollection) -> None:
        self.texts = texts
        self.collection: AsyncCollection[Document] = texts.collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("phone_digest", 1), ("received_at", 1)])

    async def seen(self, text_id: str) -> bool:
        return await self.collection.find_one({"_id": text_id}, {"_id": 1}) is not None

    async def record(
        self,
        text_id: str,
        *,
        phone_digest: str,
        asked: str,
        at: datetime,
        events: Sequence[IntegrationEvent],
    ) -> bool:
        """Record the text with the events it caused; False if it was recorded before (then
        nothing is written and no event told)."""
        document = {
            "_id": text_id,
            "phone_digest": phone_digest,
            "asked": asked,
            "received_at": epoch(at),
            RECEIVED_ON: at,
        }
        [went_in] = await self.texts.insert_each([(document, events)])
        return went_in

    async def count_since(self, phone_digest: str, since: datetime) -> int:
        """Texts recorded from the number since `since`."""
        wanted = {"phone_digest": phone_digest, "received_at": {"$gte": epoch(since)}}
        return await self.collection.count_documents(wanted)

    async def forget_number(self, phone_digest: str) -> None:
        await self.collection.delete_many({"phone_digest": phone_digest})
