"""Recording a registration: the contact is built from the event, with an in-memory repository."""

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import cast

import pytest
from notifications.domain.contacts import Contact
from notifications.handlers import Context, record_registration
from together_contracts import VolunteerRegistered, VolunteerRegisteredData

pytestmark = pytest.mark.unit


class InMemoryContacts:
    def __init__(self) -> None:
        self.added: list[Contact] = []

    async def add(self, contact: Contact) -> bool:
        self.added.append(contact)
        return True


async def test_contact_fields_come_from_the_event() -> None:
    person_id = uuid.uuid4()
    event = VolunteerRegistered(
        producer="signups",
        correlation_id="corr-7",
        occurred_at=datetime(2025, 3, 1, 12, 30, tzinfo=UTC),
        data=VolunteerRegisteredData(
            person_id=person_id, name="Bethan Evans", email="bethan@example.org", language="cy"
        ),
    )
    contacts = InMemoryContacts()

    await record_registration(event, cast(Context, SimpleNamespace(contacts=contacts)))

    assert contacts.added == [
        Contact(
            person_id=str(person_id),
            name="Bethan Evans",
            email="bethan@example.org",
            language="cy",
            registered_event_id=str(event.id),
            registered_at=datetime(2025, 3, 1, 12, 30, tzinfo=UTC),
        )
    ]
    [contact] = contacts.added
    assert isinstance(contact.person_id, str)
    assert isinstance(contact.email, str)
