"""Server-side sessions of the moderator UI, in the `sessions` collection.

The cookie carries a random 256-bit id; the store keeps only its SHA-256, so reading the
collection does not hand out live sessions. Each session has its own CSRF token. Times are epoch
floats (see ADR 0001 on datetimes written with `$set`).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]
TOKEN_BYTES = 32


@dataclass(frozen=True)
class Session:
    token: str
    """What the cookie carries; never stored."""
    moderator_id: UUID
    created: float
    expires: float
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class MongoSessionRepository:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("moderator_id")
        await self.collection.create_index("expires")

    async def start(self, moderator_id: UUID, *, now: datetime, lifetime: timedelta) -> Session:
        session = Session(
            token=secrets.token_urlsafe(TOKEN_BYTES),
            moderator_id=moderator_id,
            created=now.timestamp(),
            expires=(now + lifetime).timestamp(),
            csrf=secrets.token_urlsafe(TOKEN_BYTES),
        )
        await self.collection.insert_one(
            {
                "_id": _digest(session.token),
                "moderator_id": str(moderator_id),
                "created": session.created,
                "expires": session.expires,
                "csrf": session.csrf,
            }
        )
        return session

    async def find(self, token: str, *, now: datetime) -> Session | None:
        """The live session this cookie names; an expired one is deleted on sight."""
        if not token or len(token) > 2 * TOKEN_BYTES:
            return None
        document = await self.collection.find_one({"_id": _digest(token)})
        if document is None:
            return None
        if float(document["expires"]) <= now.timestamp():
            await self.collection.delete_one({"_id": document["_id"]})
            return None
        return Session(
            token=token,
            moderator_id=UUID(document["moderator_id"]),
            created=float(document["created"]),
            expires=float(document["expires"]),
            csrf=document["csrf"],
        )

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
        deleted = await self.collection.delete_many({"expires": {"$lte": now.timestamp()}})
        return deleted.deleted_count
