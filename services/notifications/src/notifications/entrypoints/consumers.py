"""Subscribers of notifications: the event model in each signature is the contract."""

from together_contracts import PersonErasureRequested, VolunteerRegistered
from together_kit.erasure import ErasureAnswers
from together_kit.runtime import ServiceRuntime

from notifications import handlers
from notifications.adapters.contacts import ContactRepository


def register(
    runtime: ServiceRuntime, *, contacts: ContactRepository, answers: ErasureAnswers
) -> None:
    volunteers = runtime.consumer("volunteers", [VolunteerRegistered.routing_key])

    @volunteers.subscriber()
    async def on_volunteer_registered(event: VolunteerRegistered) -> None:
        """Keep the new volunteer's contact details, to confirm their address and tell them of matches."""
        await handlers.record_registration(event, contacts=contacts)

    erasures = runtime.consumer("erasures", [PersonErasureRequested.routing_key])

    @erasures.subscriber()
    async def on_person_erasure_requested(event: PersonErasureRequested) -> None:
        """Forget everything held about a person who asked to be erased."""
        await handlers.forget_person(event, contacts=contacts, answers=answers)
