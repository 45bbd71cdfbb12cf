"""Subscribers of notifications: the event model in each signature is the contract."""

from together_contracts import VolunteerRegistered
from together_kit.runtime import ServiceRuntime

from notifications import handlers
from notifications.adapters.contacts import ContactRepository


def register(runtime: ServiceRuntime, *, contacts: ContactRepository) -> None:
    volunteers = runtime.consumer("volunteers", [VolunteerRegistered.routing_key])

    @volunteers.subscriber()
    async def on_volunteer_registered(event: VolunteerRegistered) -> None:
        """Keep the new volunteer's contact details, to confirm their address and tell them of matches."""
        await handlers.record_registration(event, contacts=contacts)
