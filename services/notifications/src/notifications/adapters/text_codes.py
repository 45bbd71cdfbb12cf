"""Invitation short codes in the notifications database, one document per code and number.

A document's id is `<phone digest>:<code>`, so a code is taken at most once per number by the
store itself; a unique index on `match_id` makes issuing idempotent per invitation (a redelivered
`match.proposed` gets the code it got before, even when two deliveries race). Expired codes are
deleted when their number is given a new one or asks for one, and by the retention sweep
(`expires_on`, a real date for MongoDB's TTL index).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from together_kit.stored import epoch, moment

from notifications.domain.text_codes import CodeEntry, new_code

Document = dict[str, Any]
EXPIRES_ON = "expires_on"
"""The field the retention sweep deletes expired codes by."""
ISSUE_ATTEMPTS = 20


class MongoTextCodes:
    def __init__(
        self, collection: AsyncCollection[Document], *, clock: Callable[[], datetime]
    ) -> None:
        self.collection = collection
        self.clock = clock

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("match_id", unique=True)
        await self.collection.create_index("phone_digest")
        await self.collection.create_index("person_id")

    async def issue(
        self, *, match_id: str, person_id: str, phone_digest: str, expires_at: datetime
    ) -> str:
        """The invitation's code: the one it was given before, or a new one free for the number."""
        kept = await self._code_of(match_id)
        if kept is not None:
            return kept
        await self._drop_expired(phone_digest)
        for _ in range(ISSUE_ATTEMPTS):
            code = new_code()
            document = {
                "_id": f"{phone_digest}:{code}",
                "code": code,
                "match_id": match_id,
                "person_id": person_id,
                "phone_digest": phone_digest,
                "expires_at": epoch(expires_at),
                EXPIRES_ON: expires_at,
            }
            try:
                await self.collection.insert_one(document)
            except DuplicateKeyError:
                kept = await self._code_of(match_id)
                if kept is not None:
                    return kept
                continue  # the code is another open invitation's for this number
            return code
        raise RuntimeError("no free text code for the number")  # 23**4 codes: never in practice

    async def find(self, code: str, *, phone_digest: str) -> CodeEntry | None:
        """The open invitation this number was given `code` for; None if unknown or expired."""
        document = await self.collection.find_one({"_id": f"{phone_digest}:{code.upper()}"})
        if document is None:
            return None
        entry = _entry(document)
        if entry.expires_at <= self.clock():
            await self.collection.delete_one({"_id": document["_id"]})
            return None
        return entry

    async def open_for(self, phone_digest: str) -> list[CodeEntry]:
        """The number's open invitations (a bare YES or NO answers the one, if one alone)."""
        await self._drop_expired(phone_digest)
        return [_entry(d) async for d in self.collection.find({"phone_digest": phone_digest})]

    async def close(self, match_id: str) -> None:
        """The invitation was answered (by text or on the web): its code is no longer open."""
        await self.collection.delete_many({"match_id": match_id})

    async def forget_number(self, phone_digest: str) -> None:
        await self.collection.delete_many({"phone_digest": phone_digest})

    async def forget_person(self, person_id: str) -> None:
        await self.collection.delete_many({"person_id": person_id})

    async def _code_of(self, match_id: str) -> str | None:
        document = await self.collection.find_one({"match_id": match_id}, {"code": 1})
        return None if document is None else str(document["code"])

    async def _drop_expired(self, phone_digest: str) -> None:
        now = epoch(self.clock())
        await self.collection.delete_many(
            {"phone_digest": phone_digest, "expires_at": {"$lte": now}}
        )


def _entry(document: Document) -> CodeEntry:
    return CodeEntry(
        code=document["code"],
        match_id=document["match_id"],
        person_id=document["person_id"],
        phone_digest=document["phone_digest"],
        expires_at=moment(document["expires_at"]),
    )
