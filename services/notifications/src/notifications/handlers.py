"""What notifications does, one async function per event."""

from together_contracts import PersonErasureRequested, VolunteerRegistered
from together_kit.erasure import ErasureAnswers

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


async def forget_person(
    event: PersonErasureRequested, *, contacts: ContactRepository, answers: ErasureAnswers
) -> None:
    """Delete the person's contact details, then say so with `person.erased`."""
    await contacts.forget(str(event.data.person_id))
    await answers.answer(event)
