"""Server-side sessions of the moderator UI, in the `sessions` collection.

The cookie carries a random 256-bit id; the store keeps only its SHA-256, so reading the
collection does not hand out live sessions. Each session has its own CSRF token. Times are epoch
floats (see ADR 0001 on datetimes written with `$set`), except `expire_at`: a real BSON date under
a TTL index (`expireAfterSeconds: 0`), the moment the session stops being valid — the earlier of
its absolute end and `idle` after it was last used. MongoDB's TTL monitor removes a session then
(within about a minute); nx-27017 purges on its next read or write of the collection, by its own
wall clock. Neither is relied on: `find` refuses an expired or idle session whatever the store
did, and `sweep` (run by bootstrap every few minutes) deletes them.

A session is at one of two stages: `password` (the password was right; a second-factor code or
enrolment is awaited, for a few minutes) or `full` (signed in).
"""

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]
Stage = Literal["password", "full"]
TOKEN_BYTES = 32
TOUCH_EVERY = 60.0
"""Seconds between two writes of `last_seen` for the same session (each request reads it)."""


@dataclass(frozen=True)
class Session:
    token: str
    """What the cookie carries; never stored."""
    moderator_id: UUID
    created: float
    expires: float
    csrf: str
    stage: Stage = "full"
    last_seen: float = 0.0

    @property
    def full(self) -> bool:
        return self.stage == "full"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _date(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class MongoSessionRepository:
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
        session = Session(
            token=secrets.token_urlsafe(TOKEN_BYTES),
            moderator_id=moderator_id,
            created=now.timestamp(),
            expires=(now + lifetime).timestamp(),
            csrf=secrets.token_urlsafe(TOKEN_BYTES),
            stage=stage,
            last_seen=now.timestamp(),
        )
        await self.collection.insert_one(self._document(session))
        return session

    async def find(self, token: str, *, now: datetime) -> Session | None:
        """The live session this cookie names; an expired or idle one is deleted on sight, and
        a live one is marked as used now."""
        if not token or len(token) > 2 * TOKEN_BYTES:
            return None
        document = await self.collection.find_one({"_id": _digest(token)})
        if document is None:
            return None
        moment = now.timestamp()
        last_seen = float(document.get("last_seen") or document["created"])
        if float(document["expires"]) <= moment or last_seen + self.idle.total_seconds() <= moment:
            await self.collection.delete_one({"_id": document["_id"]})
            return None
        session = Session(
            token=token,
            moderator_id=UUID(document["moderator_id"]),
            created=float(document["created"]),
            expires=float(document["expires"]),
            csrf=document["csrf"],
            stage="full" if document.get("stage", "full") == "full" else "password",
            last_seen=last_seen,
        )
        if moment - last_seen >= TOUCH_EVERY:
            session = replace(session, last_seen=moment)
            # A whole-document replace: nx-27017 would store a date written with `$set` as text.
            await self.collection.replace_one({"_id": document["_id"]}, self._document(session))
        return session

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
        moment = now.timestamp()
        ended = await self.collection.delete_many({"expires": {"$lte": moment}})
        idle = await self.collection.delete_many(
            {"last_seen": {"$lte": moment - self.idle.total_seconds()}}
        )
        return ended.deleted_count + idle.deleted_count

    def _document(self, session: Session) -> Document:
        end = min(session.expires, session.last_seen + self.idle.total_seconds())
        return {
            "_id": _digest(session.token),
            "moderator_id": str(session.moderator_id),
            "created": session.created,
            "expires": session.expires,
            "last_seen": session.last_seen,
            "expire_at": _date(end),
            "stage": session.stage,
            "csrf": session.csrf,
        }
