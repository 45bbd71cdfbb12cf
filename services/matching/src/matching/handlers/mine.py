"""The volunteer's page "My together", matching's part: a signed-in volunteer's invitations,
places and past events, and their answers from that page, by the same path as the emailed link
(`responses.respond`).

Matching knows the person only by id (the session cookie's subject): never a name or an email.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from matching.domain.community_events import Answer, CommunityEvent, EventStatus
from matching.domain.matches import match_id
from matching.handlers import responses
from matching.handlers.context import Context
from matching.handlers.responses import Proposal


@dataclass(frozen=True)
class Invitation:
    """An open proposal: the event, and why it was proposed (`reasons` as stored)."""

    event: CommunityEvent
    reasons: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Place:
    """A place held (or a place on the waitlist) at an event that has not ended."""

    event: CommunityEvent
    position: int | None = None
    """Where on the waitlist, for someone waiting; None for a place."""
    sharing: bool = False

    @property
    def waiting(self) -> bool:
        return self.position is not None

    @property
    def cancelled(self) -> bool:
        return self.event.status is EventStatus.CANCELLED


@dataclass(frozen=True)
class Past:
    event: CommunityEvent
    attended: bool | None
    """What the organiser marked: came, did not, or nothing yet."""


@dataclass(frozen=True)
class MyEvents:
    invitations: list[Invitation]
    places: list[Place]
    past: list[Past]


async def my_events(person_id: UUID, ctx: Context) -> MyEvents:
    now = ctx.clock()
    matches = {UUID(m["event_id"]): m for m in await ctx.matches.for_person(person_id)}
    invitations: list[Invitation] = []
    places: list[Place] = []
    past: list[Past] = []
    for event in await ctx.events.with_person(person_id, also=list(matches)):
        holds = person_id in event.accepted
        if holds and event.ends_at <= now:
            past.append(Past(event, event.attendance.get(person_id)))
        elif (holds or person_id in event.waitlist) and event.ends_at > now:
            position = None if holds else event.waitlist.index(person_id) + 1
            places.append(Place(event, position, person_id in event.sharing))
        elif event.open and event.starts_at > now and person_id not in event.declined:
            found = matches.get(event.id)
            if found is not None:
                invitations.append(Invitation(event, dict(found.get("reasons") or {})))
    past.sort(key=lambda p: p.event.starts_at, reverse=True)
    return MyEvents(invitations, places, past)


async def answer(
    person_id: UUID, event_id: UUID, *, accept: bool, correlation_id: str, ctx: Context
) -> tuple[Answer, int | None] | None:
    """Accept or decline an invitation, or give up a place (accept=False), as the emailed link
    would; None when the person was never invited to the event (nothing is done)."""
    invited = await ctx.matches.get(match_id(event_id, person_id))
    event = await ctx.events.get(event_id)
    if event is None:
        return None
    holds = person_id in event.accepted or person_id in event.waitlist
    if invited is None and not holds:
        return None
    proposal = Proposal(match_id(event_id, person_id), person_id, event)
    return await responses.respond(proposal, accept=accept, correlation_id=correlation_id, ctx=ctx)


async def my_data(person_id: UUID, ctx: Context) -> dict[str, Any]:
    """Everything matching holds about the person, for "download my data": their volunteer
    profile (district, interests, availability, answers) and, per event they were offered or
    hold a place at, what they were offered, why, and where they stand. Venue and organiser
    contact are the listing's, not the person's, and are left out."""
    profile = await ctx.volunteers.get(person_id)
    matches = {UUID(m["event_id"]): m for m in await ctx.matches.for_person(person_id)}
    events = []
    for event in await ctx.events.with_person(person_id, also=list(matches)):
        found = matches.get(event.id) or {}
        answer, position = Proposal(match_id(event.id, person_id), person_id, event).answer
        events.append(
            {
                "event_id": str(event.id),
                "title": event.title,
                "starts_at": event.starts_at.isoformat(),
                "ends_at": event.ends_at.isoformat(),
                "offered_at": _plain(found.get("proposed_at")),
                "reasons": found.get("reasons") or {},
                "answer": answer.value if answer else None,
                "waitlist_position": position,
                "shares_email_with_organiser": person_id in event.sharing,
                "attended": event.attendance.get(person_id),
            }
        )
    return {
        "service": "matching",
        "person_id": str(person_id),
        "volunteer": _plain(dataclasses.asdict(profile)) if profile else None,
        "events": events,
    }


def _plain(value: Any) -> Any:
    """Dates, ids and sets as JSON reads them."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID | StrEnum):
        return str(value)
    return value
