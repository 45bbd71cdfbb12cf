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


async def test_the_number_is_kept_in_e164_with_the_channels_chosen() -> None:
    event = VolunteerRegistered(
        producer="signups",
        correlation_id="corr-8",
        data=VolunteerRegisteredData(
            person_id=uuid.uuid4(),
            name="Eirlys",
            email="eirlys@example.org",
            phone="07700 900123",
            channels=["email", "sms"],
        ),
    )
    contacts = InMemoryContacts()
    ctx = SimpleNamespace(contacts=contacts, channels={"email": object(), "sms": object()})

    await record_registration(event, cast(Context, ctx))

    [contact] = contacts.added
    assert (contact.phone, contact.channels) == ("+447700900123", ("email", "sms"))
    assert contact.texts
