"""How many emails of one kind each address has been sent today, kept by a keyed digest of the
address (never the address), so no one can make a service flood a mailbox: signups counts
confirmation, change and sign-in emails, notifications organisers' page links. Each service keys its
quota with a key derived for that purpose alone (together_kit.keys)."""

import hashlib
import hmac
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

from together_kit.grouping import GroupWrite, insert_each

KEPT_FOR = timedelta(days=1)
"""How long after its day a count is kept (a TTL index drops it)."""


class MailQuota(Protocol):
    async def take(self, email: str, *, now: datetime) -> bool:
        """Count one more email to `email` today; False (and nothing counted) when the day's
        allowance is spent."""
        ...


class MongoMailQuota:
    """One document per address and UTC day: `{_id: "<digest>:<day>", count, expires_at}`.

    An address's first email of the day inserts its document; emails to many addresses asked for
    at once (a surge of joins) insert theirs in one write (`GroupWrite`). A later email, whose
    insert the document's `_id` turns away, counts itself with a conditional `$inc`."""

    def __init__(self, collection: AsyncCollection[Any], *, key: bytes, per_day: int) -> None:
        self.collection = collection
        self.key = key
        self.per_day = per_day
        self._firsts: GroupWrite[dict[str, Any], bool] = GroupWrite(
            lambda documents: insert_each(self.collection, documents)
        )

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("expires_at", expireAfterSeconds=0)

    async def take(self, email: str, *, now: datetime) -> bool:
        if self.per_day < 1:
            return False
        day = now.astimezone(UTC).date()
        quota_id = self._quota_id(email, now)
        expires_at = datetime.combine(day, time(), tzinfo=UTC) + timedelta(days=1) + KEPT_FOR
        if await self._firsts({"_id": quota_id, "count": 1, "expires_at": expires_at}):
            return True
        counted = await self.collection.update_one(
            {"_id": quota_id, "count": {"$lt": self.per_day}}, {"$inc": {"count": 1}}
        )
        return counted.modified_count == 1

    async def give_back(self, email: str, *, now: datetime) -> None:
        """Uncount one email taken today that was not sent after all (its sender found nothing
        to send once it had taken it)."""
        await self.collection.update_one(
            {"_id": self._quota_id(email, now), "count": {"$gt": 0}}, {"$inc": {"count": -1}}
        )

    def _quota_id(self, email: str, now: datetime) -> str:
        day = now.astimezone(UTC).date()
        digest = hmac.new(self.key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
        return f"{digest}:{day.isoformat()}"
