"""Contacts in the notifications database, keyed by person id so a repeated write is a no-op.

Contacts are an aggregate (they carry `volunteer.unsubscribed` in their outbox when a person
unsubscribes through one of our links), so a preference change and its event are one write. The
choice of a weekly digest is ours alone (set on our preferences page; no contract carries it).
A volunteer's phone number (E.164) is kept with its keyed digest (`phone_digest`), by which an
erasure asked for by number finds it.
"""

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from together_contracts import IntegrationEvent, email_digest, phone_digest
from together_kit.erasure import backfill_digests
from together_kit.grouping import GroupWrite
from together_kit.messaging.outbox import (
    AggregateCollection,
    AggregateNotFoundError,
    grouped_inserts,
)

from notifications.domain.contacts import Contact

DIGEST = "email_digest"
PHONE_DIGEST = "phone_digest"
Document = dict[str, Any]


class MongoContactRepository:
    """Volunteers under their person id, organisation contacts under their organisation's id;
    each with the keyed digest of its address (`email_digest`), by which erasure finds both."""

    def __init__(self, contacts: AggregateCollection, *, erasure_key: bytes = b"") -> None:
        self.contacts = contacts
        self.erasure_key = erasure_key
        self._adds = grouped_inserts(self.contacts)
        self._gets: GroupWrite[str, Document | None] = GroupWrite(self._get_all)
        """Contacts asked for together (invitations handled at once) are read in one query."""

    async def ensure_indexes(self) -> None:
        await self.contacts.collection.create_index(DIGEST)
        await self.contacts.collection.create_index(PHONE_DIGEST)
        await backfill_digests(
            self.contacts.collection,
            address_field="email",
            digest_field=DIGEST,
            key=self.erasure_key,
        )

    async def add(self, contact: Contact) -> bool:
        """Insert the contact; False if its id is taken (then nothing changes). Contacts added
        while another insert is being written go in together."""
        document = {"_id": contact.person_id, **asdict(contact)}
        document["withdrawn"] = list(contact.withdrawn)
        document["channels"] = list(contact.channels)
        document[DIGEST] = email_digest(contact.email, key=self.erasure_key)
        document[PHONE_DIGEST] = self._phone_digest(contact.phone)
        return await self._adds((document, []))

    def _phone_digest(self, phone: str) -> str | None:
        return phone_digest(phone, key=self.erasure_key) if phone else None

    async def with_phone(self, digest: str) -> list[Contact]:
        """Every contact with this phone number (by its keyed digest)."""
        found = self.contacts.collection.find({PHONE_DIGEST: digest})
        return [from_document(d) async for d in found]

    async def forget_phone(self, digest: str) -> int:
        """Delete every contact with this phone number; how many."""
        forgotten = 0
        async for document in self.contacts.collection.find({PHONE_DIGEST: digest}, {"_id": 1}):
            forgotten += int(await self.contacts.delete(document["_id"]))
        return forgotten

    async def set_channels(self, person_id: str, *, phone: str, channels: Sequence[str]) -> bool:
        """The channels the person chose and the number they now hold ("" for none); False if
        unknown."""
        wanted = {
            "phone": phone,
            "channels": list(channels),
            PHONE_DIGEST: self._phone_digest(phone),
        }

        def change(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            if all(document.get(name) == value for name, value in wanted.items()):
                return {}, []
            return wanted, []

        try:
            await self.contacts.update(person_id, change)
        except AggregateNotFoundError:
            return False
        return True

    async def with_address(self, digest: str) -> list[Contact]:
        """Every contact with this address: the volunteer and organisation contacts."""
        return [from_document(d) async for d in self.contacts.collection.find({DIGEST: digest})]

    async def forget_address(self, digest: str) -> int:
        """Delete every contact with this address (a volunteer, organisation contacts); how many."""
        forgotten = 0
        async for document in self.contacts.collection.find({DIGEST: digest}, {"_id": 1}):
            forgotten += int(await self.contacts.delete(document["_id"]))
        return forgotten

    async def get(self, person_id: str) -> Contact | None:
        document = await self._gets(person_id)
        return from_document(document) if document else None

    async def _get_all(self, person_ids: Sequence[str]) -> list[Document | None]:
        wanted = {"_id": {"$in": sorted(set(person_ids))}}
        found = {d["_id"]: d async for d in self.contacts.collection.find(wanted)}
        return [found.get(person_id) for person_id in person_ids]

    async def forget(self, person_id: str) -> None:
        await self.contacts.delete(person_id)

    async def set_preferences(
        self, person_id: str, *, withdrawn: Sequence[str], events: Sequence[IntegrationEvent] = ()
    ) -> bool:
        """Save the withdrawn consents, with `events` only if they changed; False if unknown."""
        wanted = sorted(set(withdrawn))

        def change(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            if sorted(document.get("withdrawn", [])) == wanted:
                return {}, []
            return {"withdrawn": wanted}, events

        try:
            await self.contacts.update(person_id, change)
        except AggregateNotFoundError:
            return False
        return True

    async def set_digest(self, person_id: str, *, digest: bool) -> bool:
        """Choose the weekly digest of invitations (or one email each); False if unknown."""

        def change(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            if bool(document.get("digest", False)) == digest:
                return {}, []
            return {"digest": digest}, []

        try:
            await self.contacts.update(person_id, change)
        except AggregateNotFoundError:
            return False
        return True

    async def set_name(self, person_id: str, *, name: str, language: str) -> bool:
        """The name and language the person confirmed through signups; False if unknown."""

        def change(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            if (document.get("name"), document.get("language")) == (name, language):
                return {}, []
            return {"name": name, "language": language}, []

        try:
            await self.contacts.update(person_id, change)
        except AggregateNotFoundError:
            return False
        return True


def from_document(document: dict[str, Any]) -> Contact:
    return Contact(
        person_id=document["person_id"],
        name=document["name"],
        email=document["email"],
        language=document.get("language", "en"),
        registered_event_id=document["registered_event_id"],
        registered_at=document["registered_at"],
        withdrawn=tuple(document.get("withdrawn", [])),
        digest=bool(document.get("digest", False)),
        phone=document.get("phone") or "",
        channels=tuple(document.get("channels") or ("email",)),
    )
