"""Volunteers answer a proposal by signed link: a place, the waitlist, or no thanks.

The event's document decides who has a place (`CommunityEvent.answer`), under its version: of many
answers at once exactly `places` are accepted, the rest waitlisted in the order they won their
writes. The events saying so are staged in that same document, so they cannot disagree with it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID

from together_contracts import IntegrationEvent
from together_contracts.matches import (
    MatchAccepted,
    MatchAcceptedData,
    MatchDeclined,
    MatchDeclinedData,
)
from together_contracts.organising import MatchSharingChanged, MatchSharingChangedData
from together_kit.signing import TokenExpiredError, TokenInvalidError

from matching.domain.community_events import Answer, CommunityEvent, EventNotFoundError
from matching.domain.links import RESPONSE_MAX_AGE_SECONDS, Purpose
from matching.domain.matches import match_id
from matching.domain.volunteers import Volunteer, VolunteerNotFoundError
from matching.handlers.context import PRODUCER, Context, organiser_of, summary, venue_of


class LinkState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class Proposal:
    match_id: UUID
    person_id: UUID
    event: CommunityEvent
    reasons: Mapping[str, Any] = field(default_factory=dict)
    """Why it was proposed, as stored with the match (`handlers.matching.reasons_kept`)."""

    @property
    def answer(self) -> tuple[Answer | None, int | None]:
        """Where this volunteer stands now."""
        if self.person_id in self.event.accepted:
            return Answer.ACCEPTED, None
        if self.person_id in self.event.waitlist:
            return Answer.WAITLISTED, self.event.waitlist.index(self.person_id) + 1
        if self.person_id in self.event.declined:
            return Answer.DECLINED, None
        return (None if self.event.open else Answer.CLOSED), None


async def read_link(token: str, ctx: Context) -> tuple[LinkState, Proposal | None]:
    try:
        identifier = ctx.tokens.subject(token, Purpose.RESPOND, max_age=RESPONSE_MAX_AGE_SECONDS)
    except TokenExpiredError:
        return LinkState.EXPIRED, None
    except TokenInvalidError:
        return LinkState.INVALID, None
    match = await ctx.matches.get(identifier)
    if match is None:
        return LinkState.INVALID, None
    event = await ctx.events.get(UUID(match["event_id"]))
    if event is None:
        return LinkState.INVALID, None
    reasons = dict(match.get("reasons") or {})
    return LinkState.VALID, Proposal(identifier, UUID(match["person_id"]), event, reasons)


async def respond(
    proposal: Proposal, *, accept: bool, correlation_id: str, ctx: Context, share: bool = False
) -> tuple[Answer, int | None]:
    """Accept (a place or the waitlist) or decline; declining a held place gives it up.
    `share`: on taking a place (or a waitlist spot, for when it becomes one), let the organiser
    see the volunteer's email."""
    person_id = proposal.person_id
    result: list[tuple[Answer, int | None]] = []
    moved: list[bool] = []

    def answer(event: CommunityEvent) -> list[IntegrationEvent]:
        staged = decide(event)
        moved[:] = [bool(staged)]
        return staged

    def decide(event: CommunityEvent) -> list[IntegrationEvent]:
        before = Proposal(proposal.match_id, person_id, event).answer[0]
        if not accept and before in (Answer.ACCEPTED, Answer.WAITLISTED):
            _, promoted = event.give_up(person_id)
            result[:] = [(Answer.WITHDRAWN, None)]
            staged: list[IntegrationEvent] = [
                declined(event, proposal, correlation_id, withdrawn=True)
            ]
            if promoted is not None:
                staged.append(accepted(event, promoted, correlation_id, ctx, from_waitlist=True))
            return staged
        outcome, position = event.answer(person_id, accept=accept)
        result[:] = [(outcome, position)]
        if outcome is before or outcome is Answer.CLOSED:
            return []
        if outcome is Answer.DECLINED:
            return [declined(event, proposal, correlation_id, withdrawn=False)]
        if share:
            event.share(person_id, share=True)
        return [accepted(event, person_id, correlation_id, ctx, position=position)]

    try:
        await ctx.events.change(proposal.event.id, answer)
    except EventNotFoundError:
        return Answer.CLOSED, None
    outcome, position = result[0]
    if moved and moved[0]:
        await _remember(person_id, outcome, ctx)
    return outcome, position


def accepted(
    event: CommunityEvent,
    person_id: UUID,
    correlation_id: str,
    ctx: Context,
    *,
    position: int | None = None,
    from_waitlist: bool = False,
) -> MatchAccepted:
    identifier = match_id(event.id, person_id)
    return MatchAccepted(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=MatchAcceptedData(
            match_id=identifier,
            person_id=person_id,
            event=summary(event),
            outcome="waitlisted" if position else "accepted",
            waitlist_position=position,
            from_waitlist=from_waitlist,
            respond_url=ctx.links.respond(identifier),
            venue=venue_of(event),
            organiser=organiser_of(event),
            share_contact=person_id in event.sharing,
        ),
    )


async def set_sharing(
    event_id: UUID, person_id: UUID, share: bool, *, correlation_id: str, ctx: Context
) -> bool:
    """Let the organiser see this volunteer's email, or take that back (only for someone with a
    place); True if it changed, with `match.sharing_changed` staged in the same write."""
    changed = False

    def change(event: CommunityEvent) -> list[IntegrationEvent]:
        nonlocal changed
        changed = event.share(person_id, share=share)
        if not changed:
            return []
        return [
            MatchSharingChanged(
                producer=PRODUCER,
                correlation_id=correlation_id,
                data=MatchSharingChangedData(
                    match_id=match_id(event.id, person_id),
                    event_id=event.id,
                    person_id=person_id,
                    share_contact=share,
                ),
            )
        ]

    try:
        await ctx.events.change(event_id, change)
    except EventNotFoundError:
        return False
    return changed


def declined(
    event: CommunityEvent, proposal: Proposal, correlation_id: str, *, withdrawn: bool
) -> MatchDeclined:
    return MatchDeclined(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=MatchDeclinedData(
            match_id=proposal.match_id,
            person_id=proposal.person_id,
            event_id=event.id,
            withdrawn=withdrawn,
        ),
    )


async def _remember(person_id: UUID, outcome: Answer, ctx: Context) -> None:
    """Past answers feed the score's responsiveness; best effort, after the place is settled."""

    def count(volunteer: Volunteer) -> list[IntegrationEvent]:
        if outcome in (Answer.ACCEPTED, Answer.WAITLISTED):
            volunteer.accepted += 1
        elif outcome in (Answer.DECLINED, Answer.WITHDRAWN):
            volunteer.declined += 1
        return []

    try:
        await ctx.volunteers.change(person_id, count)
    except VolunteerNotFoundError:
        return
