"""Organisers list events; moderation's decision publishes or rejects them; organisers cancel."""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from together_contracts import (
    EventSubmitted,
    EventSubmittedData,
    IntegrationEvent,
    Interest,
    ListingApproved,
    ListingRejected,
    ListingWithdrawn,
)
from together_contracts.matches import (
    EventCancelled,
    EventCancelledData,
    EventPublished,
    EventPublishedData,
)
from together_contracts.organising import OrganiserLinkRequested, OrganiserLinkRequestedData
from together_contracts.taxonomy import Language
from together_kit.signing import TokenExpiredError, TokenInvalidError

from matching.domain.community_events import (
    CommunityEvent,
    EventLanguage,
    EventNotFoundError,
    EventStatus,
    Organiser,
    Venue,
)
from matching.domain.geo import Point
from matching.domain.links import ORGANISER_MAX_AGE_SECONDS, Purpose
from matching.handlers.context import PRODUCER, Context, summary


@dataclass(frozen=True)
class SubmitEvent:
    title: str
    description: str
    event_type: Interest
    starts_at: datetime
    ends_at: datetime
    online: bool
    postcode: str | None
    coordinates: Point | None
    places: int
    organiser_email: str
    correlation_id: str
    roles: tuple[str, ...] = ()
    accessibility: str = ""
    language: EventLanguage = "en"
    also_suits: tuple[Interest, ...] = ()
    venue_name: str = ""
    address_lines: tuple[str, ...] = ()
    town: str = ""
    joining_url: str = ""
    arrival_notes: str = ""
    address_public: bool = False
    organiser_name: str = ""
    organiser_phone: str = ""
    reply_language: Language = "en"
    """The language of the organiser's emails (the form's page, or the event's)."""


@dataclass(frozen=True)
class Submitted:
    event: CommunityEvent
    cancel_url: str
    attendance_url: str
    manage_url: str


def submitted_for_review(event: CommunityEvent, *, correlation_id: str) -> EventSubmitted:
    """Ask moderation to check the listing's text (again, after an edit of a published one)."""
    return EventSubmitted(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=EventSubmittedData(
            event_id=event.id,
            title=event.pending_title if event.pending_title is not None else event.title,
            description=event.pending_description
            if event.pending_description is not None
            else event.description,
            event_type=event.event_type,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            outward_code=event.venue.outward_code,
            online=event.venue.online,
            places=event.places,
            roles=list(event.roles),
        ),
    )


def link_requested(
    event: CommunityEvent,
    *,
    reason: Literal["submitted", "requested"],
    language: Language,
    correlation_id: str,
    ctx: Context,
) -> OrganiserLinkRequested:
    """Email the organiser their page of this event (the link is never shown on a page)."""
    return OrganiserLinkRequested(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=OrganiserLinkRequestedData(
            event_id=event.id,
            title=event.title,
            organiser_email=event.organiser_email,
            organiser_name=event.organiser.name,
            language=language,
            manage_url=ctx.links.manage(event.id),
            reason=reason,
        ),
    )


async def submit_event(command: SubmitEvent, ctx: Context) -> Submitted:
    """Store the listing as submitted, ask moderation and email the organiser their page, in
    one write; raises `UnknownPostcodeError`."""
    details = Venue(
        online=False,
        name=command.venue_name,
        address_lines=command.address_lines,
        town=command.town,
        arrival_notes=command.arrival_notes,
        public=command.address_public,
    )
    venue = Venue(online=True, joining_url=command.joining_url, arrival_notes=command.arrival_notes)
    if command.postcode is not None:
        place = await ctx.geocoder.locate(command.postcode)
        venue = replace(
            details,
            postcode=command.postcode,
            outward_code=place.outward_code,
            location=place.point,
        )
    elif command.coordinates is not None:
        venue = replace(details, location=command.coordinates)
    event = CommunityEvent(
        title=command.title,
        description=command.description,
        event_type=command.event_type,
        also_suits=command.also_suits,
        starts_at=command.starts_at,
        ends_at=command.ends_at,
        venue=venue,
        places=command.places,
        organiser_email=command.organiser_email,
        submitted_at=ctx.clock(),
        roles=command.roles,
        accessibility=command.accessibility,
        language=command.language,
        organiser=Organiser(command.organiser_name, command.organiser_phone),
    )
    staged: list[IntegrationEvent] = [
        submitted_for_review(event, correlation_id=command.correlation_id)
    ]
    if event.organiser_email:
        staged.append(
            link_requested(
                event,
                reason="submitted",
                language=command.reply_language,
                correlation_id=command.correlation_id,
                ctx=ctx,
            )
        )
    await ctx.events.add(event, events=staged)
    return Submitted(
        event,
        ctx.links.cancel_event(event.id),
        ctx.links.attendance(event.id),
        ctx.links.manage(event.id),
    )


@dataclass(frozen=True)
class Published:
    """A listing just made public, and the correlation id of the decision (its matching follows
    under the same id)."""

    event: CommunityEvent
    correlation_id: str


async def publish_event(decision: ListingApproved, ctx: Context) -> Published | None:
    """Make a submitted event public (once), or apply the approved new text of a published one;
    `None` if it is unknown, rejected or cancelled."""

    def publish(event: CommunityEvent) -> list[IntegrationEvent]:
        if not event.publish():
            return []
        return [
            EventPublished(
                producer=PRODUCER,
                correlation_id=decision.correlation_id,
                causation_id=decision.id,
                data=EventPublishedData(
                    event=summary(event),
                    places=event.places,
                    organiser_email=event.organiser_email or None,
                    public_url=ctx.links.public_event(event.id),
                    cancel_url=ctx.links.cancel_event(event.id),
                    attendance_url=ctx.links.attendance(event.id),
                    organiser_name=event.organiser.name,
                    manage_url=ctx.links.manage(event.id),
                ),
            )
        ]

    try:
        event = await ctx.events.change(decision.data.event_id, publish)
    except EventNotFoundError:
        return None
    if event.status is not EventStatus.PUBLISHED:
        return None
    return Published(event, decision.correlation_id)


async def reject_event(decision: ListingRejected, ctx: Context) -> None:
    """A rejected listing is not published; a rejected change of a published one's text is
    dropped (`CommunityEvent.reject`)."""
    reason = decision.data.reason or "other"

    def reject(event: CommunityEvent) -> list[IntegrationEvent]:
        event.reject(reason)
        return []

    try:
        await ctx.events.change(decision.data.event_id, reject)
    except EventNotFoundError:
        return


def cancelled(
    event: CommunityEvent, *, correlation_id: str, causation_id: UUID | None = None
) -> EventCancelled:
    """`event.cancelled`: tells everyone with a place or waiting."""
    return EventCancelled(
        producer=PRODUCER,
        correlation_id=correlation_id,
        causation_id=causation_id,
        data=EventCancelledData(
            event=summary(event),
            accepted=list(event.accepted),
            waitlisted=list(event.waitlist),
        ),
    )


async def withdraw_event(decision: ListingWithdrawn, ctx: Context) -> bool:
    """A lead took the listing down: the event is cancelled (`CommunityEvent.withdraw`) and, if
    it was public, `event.cancelled` tells everyone with a place or waiting. False if the event
    is unknown or was not public."""
    was_public = False

    def withdraw(event: CommunityEvent) -> list[IntegrationEvent]:
        nonlocal was_public
        was_public = event.withdraw() is EventStatus.PUBLISHED
        if not was_public:
            return []
        return [cancelled(event, correlation_id=decision.correlation_id, causation_id=decision.id)]

    try:
        await ctx.events.change(decision.data.event_id, withdraw)
    except EventNotFoundError:
        return False
    return was_public


class CancelOutcome(StrEnum):
    CANCELLED = "cancelled"
    ALREADY = "already-cancelled"
    EXPIRED = "expired"
    INVALID = "invalid"


def cancellable(token: str, ctx: Context) -> tuple[CancelOutcome, UUID | None]:
    """Whether an organiser link could work, and for which event (it also opens attendance)."""
    try:
        return CancelOutcome.CANCELLED, ctx.tokens.subject(
            token, Purpose.ORGANISER, max_age=ORGANISER_MAX_AGE_SECONDS
        )
    except TokenExpiredError:
        return CancelOutcome.EXPIRED, None
    except TokenInvalidError:
        return CancelOutcome.INVALID, None


async def cancel_event(token: str, *, correlation_id: str, ctx: Context) -> CancelOutcome:
    """The organiser's signed link: cancel, and tell everyone with a place or waiting."""
    outcome, event_id = cancellable(token, ctx)
    if event_id is None:
        return outcome
    return await cancel_by_id(event_id, correlation_id=correlation_id, ctx=ctx)


async def cancel_by_id(event_id: UUID, *, correlation_id: str, ctx: Context) -> CancelOutcome:
    """Cancel, and tell everyone with a place or waiting (the organiser's page)."""
    already = False

    def cancel(event: CommunityEvent) -> list[IntegrationEvent]:
        nonlocal already
        before = event.cancel()
        already = before is EventStatus.CANCELLED
        if before is not EventStatus.PUBLISHED:
            return []
        return [cancelled(event, correlation_id=correlation_id)]

    try:
        await ctx.events.change(event_id, cancel)
    except EventNotFoundError:
        return CancelOutcome.INVALID
    return CancelOutcome.ALREADY if already else CancelOutcome.CANCELLED
