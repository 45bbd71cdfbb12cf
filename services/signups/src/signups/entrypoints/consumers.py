"""Subscribers of signups: the event model in each signature is the contract."""

from typing import Annotated

from pydantic import Field
from together_contracts import PersonErased, PledgeApproved, PledgeRejected, VolunteerUnsubscribed
from together_kit.runtime import ServiceRuntime

from signups.handlers import Context, erasure, pledges, volunteers

PledgeDecided = Annotated[PledgeApproved | PledgeRejected, Field(discriminator="type")]


def register(runtime: ServiceRuntime, *, ctx: Context) -> None:
    erasures = runtime.consumer("erasures", [PersonErased.routing_key])

    @erasures.subscriber()
    async def on_person_erased(event: PersonErased) -> None:
        """Note which service has deleted a person's data, for the erasure's status."""
        await erasure.record_erased(event, ctx)

    unsubscribes = runtime.consumer("unsubscribes", [VolunteerUnsubscribed.routing_key])

    @unsubscribes.subscriber()
    async def on_volunteer_unsubscribed(event: VolunteerUnsubscribed) -> None:
        """Keep the consent log whole when someone unsubscribes through an email's own link."""
        await volunteers.note_unsubscribed_elsewhere(event, ctx)

    decisions = runtime.consumer(
        "pledges", [PledgeApproved.routing_key, PledgeRejected.routing_key]
    )

    @decisions.subscriber()
    async def on_pledge_decided(event: PledgeDecided) -> None:
        """Show an approved pledge on /pledges; never show a rejected one (again)."""
        await pledges.record_decision(event, ctx)
