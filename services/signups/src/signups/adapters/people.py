"""People in the signups database; each write carries the events it causes (the outbox)."""

from collections.abc import Sequence
from typing import Protocol

from pymongo.errors import DuplicateKeyError
from together_contracts import Event
from together_kit.outbox import AggregateCollection

from signups.domain.volunteers import EmailAlreadyRegisteredError, Volunteer


class PeopleRepository(Protocol):
    async def add(self, volunteer: Volunteer, *, events: Sequence[Event]) -> None: ...


class MongoPeopleRepository:
    def __init__(self, people: AggregateCollection) -> None:
        self.people = people

    async def ensure_indexes(self) -> None:
        await self.people.collection.create_index("email", unique=True)

    async def add(self, volunteer: Volunteer, *, events: Sequence[Event]) -> None:
        document = {
            "_id": str(volunteer.id),
            "kind": "volunteer",
            "name": volunteer.name,
            "email": volunteer.email,
            "language": volunteer.language,
            "registered_at": volunteer.registered_at,
        }
        try:
            await self.people.insert(document, events)
        except DuplicateKeyError as error:
            raise EmailAlreadyRegisteredError(volunteer.email) from error
