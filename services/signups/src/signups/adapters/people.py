"""People in the signups database (`handlers.ports.PeopleRepository`); each write carries the
events it causes (the outbox)."""

import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo.errors import OperationFailure
from together_contracts import Availability, Consent, IntegrationEvent, Interest
from together_kit.messaging.outbox import (
    AggregateCollection,
    AggregateNotFoundError,
    grouped_inserts,
)

from signups.domain.people import (
    ChannelConsent,
    ConsentRecord,
    EmailAlreadyRegisteredError,
    Logged,
    PendingChange,
    Person,
    PersonChange,
    PersonNotFoundError,
    Status,
    VolunteerDetails,
)

BY_EMAIL = "email_when_given"
"""Unique among people with an email (the join's key); none for someone signed up by phone."""
PHONE_ALONE = "phone_alone"
"""The mobile of someone signed up without an email (absent otherwise), held once for its index."""
BY_PHONE_ALONE = "phone_without_email"
"""Unique among people signed up with a mobile alone: the same person is not entered twice."""


class MongoPeopleRepository:
    def __init__(self, people: AggregateCollection) -> None:
        self.people = people
        self._inserts = grouped_inserts(people)
        """Joins arriving together are inserted in one write (a surge costs a share of one)."""

    async def ensure_indexes(self) -> None:
        if "email_1" in await self.people.collection.index_information():
            with contextlib.suppress(OperationFailure):  # another replica dropped it first
                await self.people.collection.drop_index("email_1")  # unique on every person
        await self.people.collection.create_index(
            "email",
            unique=True,
            name=BY_EMAIL,
            partialFilterExpression={"email": {"$type": "string"}},
        )
        await self.people.collection.create_index(
            PHONE_ALONE,
            unique=True,
            name=BY_PHONE_ALONE,
            partialFilterExpression={PHONE_ALONE: {"$type": "string"}},
        )
        await self.people.collection.create_index([("status", 1), ("joined_at", 1)])
        await self.people.collection.create_index("pending_change.requested_at", sparse=True)

    async def add(self, person: Person, *, events: Sequence[IntegrationEvent]) -> None:
        """Raises `EmailAlreadyRegisteredError` for a known email, or a known mobile of someone
        without one."""
        if not await self._inserts((to_document(person), events)):
            raise EmailAlreadyRegisteredError(person.details.email or person.details.phone)

    async def get(self, person_id: UUID) -> Person | None:
        document = await self.people.collection.find_one({"_id": str(person_id)})
        return from_document(document) if document else None

    async def find_by_email(self, email: str) -> Person | None:
        document = await self.people.collection.find_one({"email": email})
        return from_document(document) if document else None

    async def find_by_phone(self, phone: str) -> Person | None:
        """The person with this mobile (E.164): one with no email first (that number is theirs
        alone), else the first volunteer who gave it."""
        for query in ({PHONE_ALONE: phone}, {"phone": phone}):
            document = await self.people.collection.find_one(query)
            if document:
                return from_document(document)
        return None

    async def change(self, person_id: UUID, change: PersonChange) -> Person:
        """Apply `change` to the stored person under optimistic concurrency, with its events."""
        changed: list[Person] = []

        def apply(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            person = from_document(document)
            events = change(person)
            changed[:] = [person]
            return to_document(person), events

        try:
            await self.people.update(str(person_id), apply)
        except AggregateNotFoundError as error:
            raise PersonNotFoundError(person_id) from error
        return changed[0]

    async def delete(self, person_id: UUID) -> bool:
        return await self.people.delete(str(person_id))

    async def pending_joined_before(self, cutoff: datetime) -> AsyncIterator[Person]:
        query = {"status": Status.PENDING.value, "joined_at": {"$lt": cutoff}}
        async for document in self.people.collection.find(query):
            yield from_document(document)

    async def changes_requested_before(self, cutoff: datetime) -> AsyncIterator[Person]:
        query = {"pending_change.requested_at": {"$lte": cutoff}}
        async for document in self.people.collection.find(query):
            yield from_document(document)


def to_document(person: Person) -> dict[str, Any]:
    pending = person.pending_change
    return {
        "_id": str(person.id),
        **_details_document(person.details),
        "status": person.status.value,
        "joined_at": person.joined_at,
        "confirmed_at": person.confirmed_at,
        "confirmation_sent_at": person.confirmation_sent_at,
        "confirmation_nonce": person.confirmation_nonce,
        "consent_log": [
            {
                "consent": str(record.consent),
                "granted": record.granted,
                "form_version": record.form_version,
                "source": record.source,
                "at": record.at,
            }
            for record in person.consent_log
        ],
        "pending_change": None
        if pending is None
        else {
            "details": _details_document(pending.details),
            "requested_at": pending.requested_at,
            "source": pending.source,
            "form_version": pending.form_version,
            "nonce": pending.nonce,
        },
        "applied_change_nonce": person.applied_change_nonce,
        "sign_in_nonce": person.sign_in_nonce,
        "reach_chosen_at": person.reach_chosen_at,
        **({PHONE_ALONE: person.details.phone} if person.details.email is None else {}),
    }


def _details_document(details: VolunteerDetails) -> dict[str, Any]:
    return {
        "name": details.name,
        "email": details.email,
        "postcode": details.postcode,
        "outward_code": details.outward_code,
        "phone": details.phone,
        "travel_radius_km": details.travel_radius_km,
        "language": details.language,
        "interests": [str(i) for i in details.interests],
        "availability": [str(a) for a in details.availability],
        "consents": sorted(str(c) for c in details.consents),
        "connector": details.connector,
        "channels": list(details.channels),
    }


def from_document(document: dict[str, Any]) -> Person:
    pending = document.get("pending_change")
    return Person(
        details=_details(document),
        joined_at=document["joined_at"],
        id=UUID(document["_id"]),
        status=Status(document["status"]),
        confirmed_at=document.get("confirmed_at"),
        confirmation_sent_at=document.get("confirmation_sent_at"),
        confirmation_nonce=document.get("confirmation_nonce"),
        consent_log=[
            ConsentRecord(
                consent=_logged(r["consent"]),
                granted=r["granted"],
                form_version=r["form_version"],
                source=r["source"],
                at=r["at"],
            )
            for r in document.get("consent_log", [])
        ],
        pending_change=None
        if not pending
        else PendingChange(
            details=_details(pending["details"]),
            requested_at=pending["requested_at"],
            source=pending["source"],
            form_version=pending["form_version"],
            nonce=pending["nonce"],
        ),
        applied_change_nonce=document.get("applied_change_nonce"),
        sign_in_nonce=document.get("sign_in_nonce"),
        reach_chosen_at=document.get("reach_chosen_at"),
        version=document.get("version", 0),
    )


def _details(document: dict[str, Any]) -> VolunteerDetails:
    return VolunteerDetails(
        name=document["name"],
        email=document["email"],
        postcode=document["postcode"],
        outward_code=document["outward_code"],
        phone=document.get("phone"),
        travel_radius_km=document["travel_radius_km"],
        language=document["language"],
        interests=tuple(Interest(i) for i in document.get("interests", [])),
        availability=tuple(Availability(a) for a in document.get("availability", [])),
        consents=frozenset(Consent(c) for c in document.get("consents", [])),
        connector=document.get("connector", False),
        channels=tuple(document.get("channels", ["email"])),
    )


def _logged(value: str) -> Logged:
    return ChannelConsent(value) if value in set(ChannelConsent) else Consent(value)
