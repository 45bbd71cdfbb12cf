"""Short links for texts: `<public base>/s/<code>` stands for a long link (an invitation's signed
answer page), so a text keeps within two segments.

The code is a keyed digest of the long link, so shortening the same link again (a redelivered
event) gives the same short one, and nobody can make up a code for a link of their own. Each is
kept until its event is over (`expires_on`, a real date for MongoDB's TTL index), and deleted
with its person on erasure.
"""

import base64
import hashlib
import hmac
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]
EXPIRES_ON = "expires_on"
CODE_LENGTH = 10
"""Base32 characters of the digest: 50 bits."""


class MongoShortLinks:
    def __init__(self, collection: AsyncCollection[Document], *, key: bytes, base_url: str) -> None:
        self.collection = collection
        self.key = key
        self.base_url = base_url.rstrip("/")

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("person_id")

    async def shorten(self, url: str, *, person_id: str | None, expires_at: datetime) -> str:
        code = self.code(url)
        await self.collection.update_one(
            {"_id": code},
            {"$set": {"url": url, "person_id": person_id, EXPIRES_ON: expires_at}},
            upsert=True,
        )
        return f"{self.base_url}/s/{code}"

    def code(self, url: str) -> str:
        digest = hmac.new(self.key, url.encode(), hashlib.sha256).digest()
        return base64.b32encode(digest).decode()[:CODE_LENGTH].lower()

    async def target(self, code: str) -> str | None:
        found = await self.collection.find_one({"_id": code.lower()}, {"url": 1})
        return str(found["url"]) if found else None

    async def forget_person(self, person_id: str) -> None:
        await self.collection.delete_many({"person_id": person_id})
