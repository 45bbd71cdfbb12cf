"""The audio of recordings told on the voice line, one document per recording in `recordings`
(`_id` the item's id, the WAV's bytes, when it came in), apart from the items so the queue never
reads it.

A recording of the longest call (180 s of 8 kHz 16-bit mono, as Twilio records) is under 3 MB,
well within a document's 16 MB; the fetch refuses more than `MAX_WAV_BYTES`. Its retention
(`recording_retention_days`, counted from `received_at`) removes any audio a decision's delete
missed (a crash in between)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from bson import Binary
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

RECEIVED_AT = "received_at"


class MongoRecordings:
    """The `RecordingStore` of the handlers."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def keep(self, item_id: UUID, wav: bytes, *, at: datetime) -> None:
        """Store the audio once (a repeated callback leaves the first in place)."""
        try:
            await self.collection.insert_one(
                {"_id": str(item_id), "wav": Binary(wav), RECEIVED_AT: at}
            )
        except DuplicateKeyError:
            return

    async def audio(self, item_id: UUID) -> bytes | None:
        document = await self.collection.find_one({"_id": str(item_id)})
        return bytes(document["wav"]) if document else None

    async def forget(self, item_id: UUID) -> bool:
        deleted = await self.collection.delete_one({"_id": str(item_id)})
        return deleted.deleted_count > 0
