"""Erasure: forget a volunteer's profile and matches, and an organiser's address on the events
they listed (found by the keyed digest of their email); keep only anonymous counts, say so."""

from dataclasses import replace

from together_contracts import IntegrationEvent, PersonErasureRequested

from matching.domain.community_events import CommunityEvent, EventNotFoundError, Organiser
from matching.handlers.context import Context
from matching.handlers.responses import accepted


async def erase_person(request: PersonErasureRequested, ctx: Context) -> None:
    """Each step is safe to repeat, so a redelivered request finishes what a crash left (and
    `together erasures reapply` erases again what a restore brought back)."""
    if request.data.email_digest is not None:
        await forget_organiser(request.data.email_digest, ctx=ctx)
    person_id = request.data.person_id
    if person_id is None:
        await ctx.erasures.answer(request)
        return
    for event_id in await ctx.matches.events_of(person_id):

        def forget(event: CommunityEvent) -> list[IntegrationEvent]:
            promoted = event.forget(person_id)
            if promoted is None:
                return []
            return [accepted(event, promoted, request.correlation_id, ctx, from_waitlist=True)]

        try:
            await ctx.events.change(event_id, forget, erasing=True)
        except EventNotFoundError:
            continue
    await ctx.matches.delete_for_person(person_id)
    await ctx.volunteers.delete(person_id)
    await ctx.erasures.answer(request)


async def forget_organiser(digest: str, *, ctx: Context) -> int:
    """Drop the organiser's email, name and phone, and the venue's address (the district stays),
    from every event they listed; the event stays (it is the community's), but its organiser
    links are no longer emailed to anyone."""
    forgotten = 0
    for listed in await ctx.events.by_organiser_digest(digest):

        def forget(event: CommunityEvent) -> list[IntegrationEvent]:
            event.organiser_email = ""
            event.organiser = Organiser()
            event.venue = replace(
                event.venue,
                postcode=event.venue.outward_code,
                name="",
                address_lines=(),
                town="",
                joining_url="",
                arrival_notes="",
                public=False,
            )
            return []

        try:
            await ctx.events.change(listed.id, forget, erasing=True)
        except EventNotFoundError:
            continue
        forgotten += 1
    return forgotten
