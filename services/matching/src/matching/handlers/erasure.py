"""Erasure: forget a volunteer's profile and matches, keep only anonymous counts, say so."""

from together_contracts import Event, PersonErasureRequested
from together_kit.erasure import ErasureAnswers

from matching.adapters.events import EventNotFoundError
from matching.domain.events import CommunityEvent
from matching.handlers.context import Context
from matching.handlers.responses import accepted


async def erase_person(
    request: PersonErasureRequested, *, answers: ErasureAnswers, ctx: Context
) -> None:
    """Each step is safe to repeat, so a redelivered request finishes what a crash left."""
    person_id = request.data.person_id
    for event_id in await ctx.matches.events_of(person_id):

        def forget(event: CommunityEvent) -> list[Event]:
            promoted = event.forget(person_id)
            if promoted is None:
                return []
            return [accepted(event, promoted, request.correlation_id, ctx, from_waitlist=True)]

        try:
            await ctx.events.change(event_id, forget)
        except EventNotFoundError:
            continue
    await ctx.matches.delete_for_person(person_id)
    await ctx.volunteers.delete(person_id)
    await answers.answer(request)
