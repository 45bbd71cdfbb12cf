"""The per-address sign-in throttle, in the `sign_in_throttle` collection (shared by every
replica): one document per client address, keyed by an HMAC of the address (never the address),
counting failures in a row and saying until when the address must wait.

The count is raised with `$inc`, so two replicas failing the same address at once both count.
Times are epoch seconds (together_kit.stored).
"""

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from together_kit.stored import epoch

from moderation.adapters.secrets import keyed_digest
from moderation.domain.moderators import Backoff

Document = dict[str, Any]


class MongoSignInThrottle:
    """The `SignInThrottle` of the handlers; `backoff` says how long each failure makes wait."""

    def __init__(
        self, collection: AsyncCollection[Document], *, key: bytes, backoff: Backoff
    ) -> None:
        self.collection = collection
        self.key = key
        self.backoff = backoff

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("last")

    async def wait(self, address: str, *, now: datetime) -> float:
        """Seconds this address must still wait before its next sign-in is looked at."""
        found = await self.collection.find_one({"_id": keyed_digest(self.key, address)})
        if found is None:
            return 0.0
        wait = float(found.get("blocked_until", 0.0)) - epoch(now)
        return max(0.0, round(wait, 3))  # to the millisecond: 2.0000001 s is a 2-second wait

    async def failed(self, address: str, *, now: datetime) -> float:
        """Count a failure from `address`; the seconds it must now wait."""
        key, moment = keyed_digest(self.key, address), epoch(now)
        stale = moment - self.backoff.window.total_seconds()
        await self.collection.delete_one({"_id": key, "last": {"$lt": stale}})
        counted = await self.collection.find_one_and_update(
            {"_id": key},
            {"$inc": {"failures": 1}, "$set": {"last": moment}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        failures = int((counted or {}).get("failures", 1))
        wait = self.backoff.wait_after(failures).total_seconds()
        if wait > 0:
            await self.collection.update_one(
                {"_id": key}, {"$max": {"blocked_until": moment + wait}}
            )
        return wait

    async def sweep(self, *, now: datetime) -> int:
        stale = epoch(now) - self.backoff.window.total_seconds()
        return (await self.collection.delete_many({"last": {"$lt": stale}})).deleted_count
