"""Subscribers of signups: the event model in each signature is the contract."""

from typing import Annotated

from pydantic import Field
from together_contracts import (
    PersonAccessAnswered,
    PersonErased,
    PersonErasureRequested,
    PledgeApproved,
    PledgeRejected,
    VolunteerUnsubscribed,
)
from together_kit.runtime import ServiceRuntime

from signups.handlers import Context, access, erasure, pledges, volunteers

PledgeDecided = Annotated[PledgeApproved | PledgeRejected, Field(discriminator="type")]
ErasureEvent = Annotated[PersonErased | PersonErasureRequested, Field(discriminator="type")]


def register(runtime: ServiceRuntime, *, ctx: Context) -> None:
    erasures = runtime.consumer(
        "erasures", [PersonErased.routing_key, PersonErasureRequested.routing_key]
    )

    @erasures.subscriber()
    async def on_erasure_event(event: ErasureEvent) -> None:
        """Note which service has deleted a person's data, for the erasure's status; and when an
        erasure is re-published after a restore, delete again what came back."""
        if isinstance(event, PersonErased):
            await erasure.record_erased(event, ctx)
        else:
            await erasure.erase_again(event, ctx)

    accesses = runtime.consumer("access", [PersonAccessAnswered.routing_key])

    @accesses.subscriber()
    async def on_access_answered(event: PersonAccessAnswered) -> None:
        """Keep one service's part of a subject access export until the admin fetches it."""
        await access.record_answer(event, ctx)

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
