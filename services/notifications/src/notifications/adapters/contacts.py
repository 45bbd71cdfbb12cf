"""Contacts in the notifications database, keyed by person id so a repeated write is a no-op."""

import contextlib
from dataclasses import asdict
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from notifications.domain.contacts import Contact


class ContactRepository(Protocol):
    async def add(self, contact: Contact) -> None: ...
    async def forget(self, person_id: str) -> None: ...


class MongoContactRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def add(self, contact: Contact) -> None:
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.insert_one({"_id": contact.person_id, **asdict(contact)})

    async def forget(self, person_id: str) -> None:
        await self.collection.delete_one({"_id": person_id})
