"""Subscribers of moderation: the event model in each signature is the contract."""

from together_contracts import (
    EventSubmitted,
    PersonAccessRequested,
    PersonErasureRequested,
    PledgeMade,
)
from together_kit.runtime import ServiceRuntime

from moderation.handlers import Context, access, erasure, listings, pledges
from moderation.handlers.security_log import SecurityLog


def register(
    runtime: ServiceRuntime,
    *,
    ctx: Context,
    answers: access.AccessAnswerer | None = None,
    security_log: SecurityLog | None = None,
) -> None:
    submitted = runtime.consumer("listings", [EventSubmitted.routing_key])

    @submitted.subscriber()
    async def on_event_submitted(event: EventSubmitted) -> None:
        """Queue an organiser's event listing for a moderator, screened like a story."""
        await listings.receive_listing(event, ctx)

    pledged = runtime.consumer("pledges", [PledgeMade.routing_key])

    @pledged.subscriber()
    async def on_pledge_made(event: PledgeMade) -> None:
        """Queue an organisation's confirmed pledge for a moderator, screened like a story."""
        await pledges.receive_pledge(event, ctx)

    erasures = runtime.consumer("erasures", [PersonErasureRequested.routing_key])

    @erasures.subscriber()
    async def on_person_erasure_requested(event: PersonErasureRequested) -> None:
        """Forget an author's name and email in their stories, then answer `person.erased`."""
        await erasure.forget_author(event, ctx)

    if answers is not None:
        accesses = runtime.consumer("access", [PersonAccessRequested.routing_key])

        @accesses.subscriber()
        async def on_person_access_requested(event: PersonAccessRequested) -> None:
            """Tell signups which stories the person shared (subject access)."""
            await access.answer_access(event, answers=answers, ctx=ctx, security_log=security_log)
