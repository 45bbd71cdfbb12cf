"""The organiser's page of one event: its signed link (emailed on request), edits, a message to
everyone with a place.

An edit of the time, venue or places applies at once; on a published event people with a place
are told (`event.changed`, with the event as it was and the venue as it is). A changed title or
description goes back to moderation (`event.submitted` again): a published event keeps its
public text until a moderator approves the new one (`handlers.listings.publish_event`).
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from together_contracts import IntegrationEvent
from together_contracts.matches import EventChanged, EventChangedData
from together_contracts.organising import EventMessagePosted, EventMessagePostedData
from together_contracts.taxonomy import Language
from together_kit.signing import TokenExpiredError, TokenInvalidError
from together_kit.web.site import ORGANISER_MAX_AGE_SECONDS, SitePurpose

from matching.domain.community_events import CommunityEvent, EventNotFoundError, EventStatus, Venue
from matching.handlers.context import PRODUCER, Context, summary, venue_of
from matching.handlers.listings import link_requested, submitted_for_review
from matching.handlers.responses import LinkState, accepted

EDITABLE = frozenset({EventStatus.SUBMITTED, EventStatus.PUBLISHED})


async def read_link(token: str, ctx: Context) -> tuple[LinkState, CommunityEvent | None]:
    """The event an organiser's page link is for, or why it does not work."""
    try:
        event_id = ctx.links.site.subject(
            token, SitePurpose.ORGANISER, max_age=ORGANISER_MAX_AGE_SECONDS
        )
    except TokenExpiredError:
        return LinkState.EXPIRED, None
    except TokenInvalidError:
        return LinkState.INVALID, None
    event = await ctx.events.get(event_id)
    return (LinkState.VALID, event) if event else (LinkState.INVALID, None)


async def request_links(
    email: str, *, language: Language, correlation_id: str, ctx: Context
) -> int:
    """Email the organiser the page of every event listed with this address; how many (the
    page that asked says the same whatever the answer)."""
    sent = 0
    for listed in await ctx.events.by_organiser_email(email):

        def ask(event: CommunityEvent) -> list[IntegrationEvent]:
            if not event.organiser_email:
                return []
            return [
                link_requested(
                    event,
                    reason="requested",
                    language=language,
                    correlation_id=correlation_id,
                    ctx=ctx,
                )
            ]

        try:
            await ctx.events.change(listed.id, ask)
        except EventNotFoundError:
            continue
        sent += 1
    return sent


@dataclass(frozen=True)
class EditEvent:
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    places: int
    online: bool
    postcode: str | None
    venue_name: str = ""
    address_lines: tuple[str, ...] = ()
    town: str = ""
    joining_url: str = ""
    arrival_notes: str = ""
    accessibility: str = ""
    address_public: bool = False


class EditOutcome(StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"
    CLOSED = "closed"
    """Cancelled or rejected: nothing to edit."""


@dataclass
class Edited:
    outcome: EditOutcome
    changes: list[str] = field(default_factory=list)
    moderated: bool = False
    """The new text went to a moderator."""


def _changes(event: CommunityEvent, edit: EditEvent, venue: Venue) -> list[str]:
    changes = [
        name for name in ("starts_at", "ends_at") if getattr(event, name) != getattr(edit, name)
    ]
    if venue != event.venue or edit.accessibility != event.accessibility:
        changes.append("venue")
    return changes


async def edit_event(
    event_id: UUID, edit: EditEvent, *, correlation_id: str, ctx: Context
) -> Edited:
    """Apply the organiser's edit; raises `UnknownPostcodeError` for a new postcode and
    `PlacesTakenError` for fewer places than are taken (nothing is saved then)."""
    current = await ctx.events.get(event_id)
    if current is None:
        raise EventNotFoundError(event_id)
    venue = await _venue(edit, current.venue, ctx)
    result = Edited(EditOutcome.UNCHANGED)

    def change(event: CommunityEvent) -> list[IntegrationEvent]:
        nonlocal result
        if event.status not in EDITABLE:
            result = Edited(EditOutcome.CLOSED)
            return []
        was = summary(event)
        changes = _changes(event, edit, venue)
        staged: list[IntegrationEvent] = []
        event.starts_at, event.ends_at = edit.starts_at, edit.ends_at
        event.venue, event.accessibility = venue, edit.accessibility
        resized = edit.places != event.places
        for promoted in event.resize(edit.places):
            staged.append(accepted(event, promoted, correlation_id, ctx, from_waitlist=True))
        moderated = _new_text(event, edit)
        if moderated:
            staged.append(submitted_for_review(event, correlation_id=correlation_id))
        if changes and event.status is EventStatus.PUBLISHED:
            staged.append(
                EventChanged(
                    producer=PRODUCER,
                    correlation_id=correlation_id,
                    data=EventChangedData(
                        event=summary(event),
                        changes=changes,
                        accepted=list(event.accepted),
                        was=was,
                        venue=venue_of(event),
                    ),
                )
            )
        saved = bool(changes or resized or moderated)
        result = Edited(EditOutcome.SAVED if saved else EditOutcome.UNCHANGED, changes, moderated)
        return staged

    await ctx.events.change(event_id, change)
    return result


def _new_text(event: CommunityEvent, edit: EditEvent) -> bool:
    """A changed title or description: a listing not yet approved takes it at once (moderation
    sees the new text); a published one keeps its public text until the new one is approved."""
    title = event.pending_title if event.pending_title is not None else event.title
    description = (
        event.pending_description if event.pending_description is not None else event.description
    )
    if (edit.title, edit.description) == (title, description):
        return False
    if event.status is EventStatus.SUBMITTED:
        event.title, event.description = edit.title, edit.description
        return True
    same = (edit.title, edit.description) == (event.title, event.description)
    event.pending_title = None if same else edit.title
    event.pending_description = None if same else edit.description
    event.rejection_reason = ""
    return not same


async def _venue(edit: EditEvent, before: Venue, ctx: Context) -> Venue:
    if edit.online:
        return Venue(online=True, joining_url=edit.joining_url, arrival_notes=edit.arrival_notes)
    details = Venue(
        online=False,
        postcode=before.postcode,
        outward_code=before.outward_code,
        location=before.location,
        name=edit.venue_name,
        address_lines=edit.address_lines,
        town=edit.town,
        arrival_notes=edit.arrival_notes,
        public=edit.address_public,
    )
    if edit.postcode is None or (edit.postcode == before.postcode and not before.online):
        return details
    place = await ctx.geocoder.locate(edit.postcode)
    return replace(
        details, postcode=edit.postcode, outward_code=place.outward_code, location=place.point
    )


async def post_message(event_id: UUID, text: str, *, correlation_id: str, ctx: Context) -> bool:
    """Send the organiser's words to everyone with a place (through notifications); False if
    nobody has a place or the event is not published."""
    sent = False

    def post(event: CommunityEvent) -> list[IntegrationEvent]:
        nonlocal sent
        sent = event.status is EventStatus.PUBLISHED and bool(event.accepted)
        if not sent:
            return []
        return [
            EventMessagePosted(
                producer=PRODUCER,
                correlation_id=correlation_id,
                data=EventMessagePostedData(
                    event=summary(event),
                    organiser_first_name=event.organiser.first_name[:100],
                    text=text,
                    accepted=list(event.accepted),
                ),
            )
        ]

    await ctx.events.change(event_id, post)
    return sent
