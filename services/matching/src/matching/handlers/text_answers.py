"""Volunteers answer an invitation by text (issue 23): notifications turns YES or NO and the
invitation's code into `match.answered`, and the place is taken or declined here exactly as the
invitation's signed link does it (`responses.respond`), so the same places rule holds however
the answers arrive, and `match.accepted` / `match.declined` are told as for the link.

An answer that cannot stand (an unknown match, a person who was not invited to it, an invitation
past the link's lifetime or an event already begun, cancelled or gone) is logged and dropped: no
event, no error, so it is never retried. Answering again as before changes nothing and tells
nothing (the consumer's inbox keeps a redelivery from running twice besides).
"""

from datetime import timedelta
from enum import StrEnum
from uuid import UUID

import structlog
from together_contracts import MatchAnswered

from matching.domain.community_events import Answer
from matching.domain.links import RESPONSE_MAX_AGE_SECONDS
from matching.handlers import responses
from matching.handlers.context import Context
from matching.handlers.responses import Proposal

log = structlog.get_logger("matching.text_answers")

ANSWER_MAX_AGE = timedelta(seconds=RESPONSE_MAX_AGE_SECONDS)
"""An invitation is answered by text for as long as its signed link works."""


class Ignored(StrEnum):
    UNKNOWN_MATCH = "unknown-match"
    NOT_THEIRS = "not-their-invitation"
    EXPIRED = "expired"
    BEGUN = "event-begun"
    CLOSED = "closed"


async def answer_by_text(event: MatchAnswered, ctx: Context) -> Answer | Ignored:
    """Take the place (or a waitlist place) or decline it; declining a place held gives it up."""
    data = event.data
    proposal = await invitation(data.match_id, data.person_id, ctx)
    if isinstance(proposal, Ignored):
        return ignored(proposal, data.match_id)
    outcome, _ = await responses.respond(
        proposal,
        accept=data.answer == "accept",
        correlation_id=event.correlation_id,
        ctx=ctx,
    )
    if outcome is Answer.CLOSED:
        return ignored(Ignored.CLOSED, data.match_id)
    return outcome


async def invitation(match_id: UUID, person_id: UUID, ctx: Context) -> Proposal | Ignored:
    """The invitation this person may still answer, or why there is none."""
    match = await ctx.matches.get(match_id)
    if match is None:
        return Ignored.UNKNOWN_MATCH
    if match["person_id"] != str(person_id):
        return Ignored.NOT_THEIRS
    now = ctx.clock()
    proposed_at = match.get("proposed_at")
    if proposed_at is not None and now - proposed_at > ANSWER_MAX_AGE:
        return Ignored.EXPIRED
    found = await ctx.events.get(UUID(match["event_id"]))
    if found is None:
        return Ignored.UNKNOWN_MATCH
    if found.starts_at <= now:
        return Ignored.BEGUN
    return Proposal(match_id, person_id, found, dict(match.get("reasons") or {}))


def ignored(why: Ignored, match_id: UUID) -> Ignored:
    log.info("text answer ignored", reason=why.value, match_id=str(match_id))
    return why
