"""Server-side sessions of the moderator UI, in the `sessions` collection.

The cookie carries a random 256-bit token; the store keeps only its SHA-256, so reading the
collection does not hand out live sessions. Times are epoch seconds (together_kit.stored), except
`expire_at`: a real date under a TTL index (`expireAfterSeconds: 0`), the moment the session
stops being valid (`Session.ends`). The store's TTL monitor removing a session is not relied on:
`find` refuses an ended session whatever the store did, and `sweep` (run by bootstrap every few
minutes) deletes them.
"""

import hashlib
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pymongo.asynchronous.collection import AsyncCollection
from together_kit.stored import epoch, moment

from moderation.domain.sessions import Session, Stage, plausible_token

Document = dict[str, Any]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class MongoSessionRepository:
    """The `SessionRepository` of the handlers."""

    def __init__(
        self, collection: AsyncCollection[Document], *, idle: timedelta = timedelta(minutes=30)
    ) -> None:
        self.collection = collection
        self.idle = idle

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("moderator_id")
        await self.collection.create_index("expires")
        await self.collection.create_index("expire_at", expireAfterSeconds=0)

    async def start(
        self, moderator_id: UUID, *, now: datetime, lifetime: timedelta, stage: Stage = "full"
    ) -> Session:
        session = Session.start(moderator_id, now=now, lifetime=lifetime, stage=stage)
        await self.collection.insert_one(
            {
                "_id": _digest(session.token),
                "moderator_id": str(session.moderator_id),
                "created": epoch(session.created),
                "expires": epoch(session.expires),
                "last_seen": epoch(session.used),
                "expire_at": session.ends(idle=self.idle),
                "stage": session.stage,
                "csrf": session.csrf,
            }
        )
        return session

    async def find(self, token: str, *, now: datetime) -> Session | None:
        """The live session this cookie names; an ended one is deleted on sight, and a live one
        is marked as used now."""
        if not plausible_token(token):
            return None
        document = await self.collection.find_one({"_id": _digest(token)})
        if document is None:
            return None
        session = Session(
            token=token,
            moderator_id=UUID(document["moderator_id"]),
            created=moment(document["created"]),
            expires=moment(document["expires"]),
            csrf=document["csrf"],
            stage="full" if document.get("stage", "full") == "full" else "password",
            last_seen=moment(document.get("last_seen") or document["created"]),
        )
        if session.ended(now, idle=self.idle):
            await self.collection.delete_one({"_id": document["_id"]})
            return None
        touched = session.touched(now)
        if touched is None:
            return session
        # The whole document is replaced (the store keeps a date written with `$set` as text).
        await self.collection.replace_one(
            {"_id": document["_id"]},
            {**document, "last_seen": epoch(now), "expire_at": touched.ends(idle=self.idle)},
        )
        return touched

    async def end(self, token: str) -> None:
        await self.collection.delete_one({"_id": _digest(token)})

    async def end_all(self, moderator_id: UUID) -> int:
        """Sign a moderator out everywhere (deactivated, or their role or password changed)."""
        deleted = await self.collection.delete_many({"moderator_id": str(moderator_id)})
        return deleted.deleted_count

    async def end_others(self, moderator_id: UUID, *, keep: str) -> int:
        """Sign a moderator out everywhere but here (their password changed)."""
        query = {"moderator_id": str(moderator_id), "_id": {"$ne": _digest(keep)}}
        return (await self.collection.delete_many(query)).deleted_count

    async def sweep(self, *, now: datetime) -> int:
        """Delete every session past its end or idle for too long (the TTL index's work, for a
        store whose TTL monitor lags or does not run)."""
        stored_now = epoch(now)
        ended = await self.collection.delete_many({"expires": {"$lte": stored_now}})
        idle = await self.collection.delete_many(
            {"last_seen": {"$lte": stored_now - self.idle.total_seconds()}}
        )
        return ended.deleted_count + idle.deleted_count
