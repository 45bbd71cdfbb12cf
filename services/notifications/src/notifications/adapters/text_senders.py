"""Who sent a story or thank-you by text, kept only to text them what moderators decided.

`text.received` carries an opaque `reply_ref` instead of the number; this maps it back, and
nothing else does. A sender is forgotten once the outcome is texted, after 90 days (a story never
decided: bootstrap's retention), or when they ask to be erased (by number).
"""

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from notifications.domain.text_senders import TextSender

Document = dict[str, Any]
KEPT_ON = "kept_on"
"""A real date, for the retention sweep (and MongoDB's TTL index)."""


class MongoTextSenders:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("phone_digest")

    async def keep(self, sender: TextSender, *, phone_digest: str, at: datetime) -> None:
        """Keep the sender under their reference; kept already (a resent text) changes nothing."""
        document = {
            "_id": sender.reply_ref,
            "phone": sender.phone,
            "phone_digest": phone_digest,
            "language": sender.language,
            KEPT_ON: at,
        }
        try:
            await self.collection.insert_one(document)
        except DuplicateKeyError:
            return

    async def find(self, reply_ref: str) -> TextSender | None:
        document = await self.collection.find_one({"_id": reply_ref})
        if document is None:
            return None
        return TextSender(
            reply_ref=document["_id"], phone=document["phone"], language=document["language"]
        )

    async def forget(self, reply_ref: str) -> None:
        await self.collection.delete_one({"_id": reply_ref})

    async def forget_number(self, phone_digest: str) -> None:
        await self.collection.delete_many({"phone_digest": phone_digest})
