"""What notifications does, one async function per event."""

from together_contracts import VolunteerRegistered

from notifications.adapters.contacts import ContactRepository
from notifications.domain.contacts import Contact


async def record_registration(event: VolunteerRegistered, *, contacts: ContactRepository) -> None:
    await contacts.add(
        Contact(
            person_id=str(event.data.person_id),
            name=event.data.name,
            email=str(event.data.email),
            language=event.data.language,
            registered_event_id=str(event.id),
            registered_at=event.occurred_at,
        )
    )
