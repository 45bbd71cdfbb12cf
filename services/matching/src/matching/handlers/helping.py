"""A signed-in volunteer offers to help from the events page: a place, or the waitlist, at once.

The place is taken the way an emailed accept takes it (`responses.respond`), so the same places
rule holds however many answer at once. A volunteer matching never proposed the event to gets a
match record first, as a proposal would have made, so their emailed link and "My together" page
work like anyone else's.
"""

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from matching.domain.community_events import Answer, CommunityEvent, EventStatus
from matching.domain.matches import match_id
from matching.domain.volunteers import Status
from matching.handlers import responses
from matching.handlers.context import Context
from matching.handlers.responses import Proposal


class Refusal(StrEnum):
    NO_EVENT = "no-event"
    """No such event on the public list (unknown, still under review, or rejected)."""
    CLOSED = "closed"
    """Cancelled, or already begun: no longer taking volunteers."""
    NOT_A_VOLUNTEER = "not-a-volunteer"
    """Signed in, but not a confirmed volunteer who hears of matched events."""


@dataclass(frozen=True)
class Helped:
    outcome: Answer
    position: int | None
    proposal: Proposal


async def public_event(event_id: UUID, ctx: Context) -> CommunityEvent | Refusal:
    """The event if it is on the public list and still taking volunteers, else why not."""
    event = await ctx.events.get(event_id)
    if event is None or event.status in (EventStatus.SUBMITTED, EventStatus.REJECTED):
        return Refusal.NO_EVENT
    if not event.open or event.starts_at <= ctx.clock():
        return Refusal.CLOSED
    return event


async def offer(event_id: UUID, person_id: UUID, ctx: Context) -> Proposal | Refusal:
    """Where this volunteer stands on the event, or why they cannot offer to help with it."""
    event = await public_event(event_id, ctx)
    if isinstance(event, Refusal):
        return event
    volunteer = await ctx.volunteers.get(person_id)
    if volunteer is None or volunteer.status is not Status.CONFIRMED or not volunteer.wants_matches:
        return Refusal.NOT_A_VOLUNTEER
    return Proposal(match_id(event_id, person_id), person_id, event)


async def take_place(
    event_id: UUID, person_id: UUID, *, correlation_id: str, ctx: Context
) -> Helped | Refusal:
    """Take a place or join the waitlist; asking again keeps what was had."""
    proposal = await offer(event_id, person_id, ctx)
    if isinstance(proposal, Refusal):
        return proposal
    await ctx.matches.offered(event_id=event_id, person_id=person_id, at=ctx.clock())
    outcome, position = await responses.respond(
        proposal, accept=True, correlation_id=correlation_id, ctx=ctx
    )
    if outcome is Answer.CLOSED:
        return Refusal.CLOSED
    return Helped(outcome, position, proposal)
