"""Organisations and their pledges; the pledge lives in its organisation's document (one write)."""

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Protocol
from uuid import UUID

from together_contracts import Event, Interest, OrganisationType, email_digest
from together_kit.outbox import AggregateCollection, AggregateNotFoundError

from signups.domain.organisations import Organisation, OrganisationDetails, Pledge

OrganisationChange = Callable[[Organisation], Sequence[Event]]


class OrganisationNotFoundError(LookupError):
    pass


class OrganisationRepository(Protocol):
    async def add(self, organisation: Organisation, *, events: Sequence[Event]) -> None: ...
    async def change(self, organisation_id: UUID, change: OrganisationChange) -> Organisation: ...
    def confirmed_pledges(self, *, limit: int) -> AsyncIterator[Organisation]: ...
    async def with_contact_digest(self, digest: str, *, key: bytes) -> list[Organisation]: ...
    async def delete(self, organisation_id: UUID) -> bool: ...


class MongoOrganisationRepository:
    def __init__(self, organisations: AggregateCollection) -> None:
        self.organisations = organisations

    async def ensure_indexes(self) -> None:
        await self.organisations.collection.create_index([("confirmed_at", -1)])

    async def add(self, organisation: Organisation, *, events: Sequence[Event]) -> None:
        await self.organisations.insert(to_document(organisation), events)

    async def change(self, organisation_id: UUID, change: OrganisationChange) -> Organisation:
        changed: list[Organisation] = []

        def apply(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[Event]]:
            organisation = from_document(document)
            events = change(organisation)
            changed[:] = [organisation]
            return to_document(organisation), events

        try:
            await self.organisations.update(str(organisation_id), apply)
        except AggregateNotFoundError as error:
            raise OrganisationNotFoundError(organisation_id) from error
        return changed[0]

    async def with_contact_digest(self, digest: str, *, key: bytes) -> list[Organisation]:
        """Erasure and access: the organisations whose contact has this address (by its keyed
        digest, so a request that carries only the digest finds them too). Organisations are
        few, so this reads every contact address rather than store a digest beside each."""
        found: list[Organisation] = []
        async for document in self.organisations.collection.find({}):
            if email_digest(document["contact_email"], key=key) == digest:
                found.append(from_document(document))
        return found

    async def delete(self, organisation_id: UUID) -> bool:
        return await self.organisations.delete(str(organisation_id))

    async def confirmed_pledges(self, *, limit: int) -> AsyncIterator[Organisation]:
        cursor = (
            self.organisations.collection.find({"confirmed_at": {"$ne": None}})
            .sort("confirmed_at", -1)
            .limit(limit)
        )
        async for document in cursor:
            yield from_document(document)


def to_document(organisation: Organisation) -> dict[str, Any]:
    details = organisation.details
    return {
        "_id": str(organisation.id),
        "name": details.name,
        "organisation_type": str(details.organisation_type),
        "contact_name": details.contact_name,
        "contact_email": details.contact_email,
        "postcode": details.postcode,
        "outward_code": details.outward_code,
        "language": details.language,
        "pledge": {
            "id": str(organisation.pledge.id),
            "text": organisation.pledge.text,
            "categories": [str(c) for c in organisation.pledge.categories],
        },
        "joined_at": organisation.joined_at,
        "confirmed_at": organisation.confirmed_at,
        "confirmation_nonce": organisation.confirmation_nonce,
    }


def from_document(document: dict[str, Any]) -> Organisation:
    pledge = document["pledge"]
    return Organisation(
        details=OrganisationDetails(
            name=document["name"],
            organisation_type=OrganisationType(document["organisation_type"]),
            contact_name=document["contact_name"],
            contact_email=document["contact_email"],
            postcode=document["postcode"],
            outward_code=document["outward_code"],
            language=document["language"],
        ),
        pledge=Pledge(
            text=pledge["text"],
            categories=tuple(Interest(c) for c in pledge["categories"]),
            id=UUID(pledge["id"]),
        ),
        joined_at=document["joined_at"],
        id=UUID(document["_id"]),
        confirmed_at=document.get("confirmed_at"),
        confirmation_nonce=document.get("confirmation_nonce"),
        version=document.get("version", 0),
    )
