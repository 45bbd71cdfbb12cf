"""Messages about matched events: invitations, places, changes, cancellations, a kind word.

Reminders of an accepted place, and what happens to them when the place or the event changes, are
in `handlers.reminders`; the weekly digest of invitations in `handlers.digest`.
"""

import structlog
from together_contracts import Event
from together_contracts.matches import (
    EventCancelled,
    EventChanged,
    EventPublished,
    EventSummary,
    MatchAccepted,
    MatchProposed,
    VolunteerUnmatched,
)

from notifications.domain.messages import MessageRequest, Recipient
from notifications.domain.when import spoken
from notifications.handlers import delivery
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.matching")
MATCHED_EVENTS = "matched-events"


def describe(event: EventSummary, language: str) -> dict[str, object]:
    return {
        "title": event.title,
        "when": spoken(event.starts_at, language),
        "where": "" if event.online else (event.outward_code or ""),
        "online": event.online,
    }


async def _to_volunteer(
    cause: Event, person_id: str, template: str, ctx: Context, *, kind: str, **fields: object
) -> None:
    """Volunteers are named only by id: their address is the contact kept from signups."""
    contact = await ctx.contacts.get(person_id)
    if contact is None:
        log.info("no contact for volunteer; nothing sent", person_id=person_id, template=template)
        return
    if kind in {"invitation", "volunteering"} and MATCHED_EVENTS in contact.withdrawn:
        return
    summary = fields.pop("summary", None)
    context = dict(fields)
    event_id = None
    if isinstance(summary, EventSummary):
        context |= describe(summary, contact.language)
        event_id = str(summary.event_id)
    await delivery.request(
        MessageRequest(
            cause_event_id=str(cause.id),
            template=template,
            recipient=Recipient(contact.email, contact.name, contact.language, contact.person_id),
            context=context,
            kind=kind,
            correlation_id=cause.correlation_id,
            event_id=event_id,
            digest=kind == "invitation" and contact.digest,
        ),
        ctx,
    )


async def invite(event: MatchProposed, ctx: Context) -> None:
    """An invitation: kept out of quiet hours and under the weekly cap by the dispatcher, or held
    for the weekly digest when the person chose it (see `handlers.digest`)."""
    data = event.data
    await _to_volunteer(
        event,
        str(data.person_id),
        "match_invitation",
        ctx,
        kind="invitation",
        summary=data.event,
        starts_at=data.event.starts_at.timestamp(),
        reasons=list(data.reasons),
        accept_url=data.accept_url,
        decline_url=data.decline_url,
        respond_url=data.respond_url,
    )


async def confirm_place(event: MatchAccepted, ctx: Context) -> None:
    data = event.data
    await _to_volunteer(
        event,
        str(data.person_id),
        "match_accepted",
        ctx,
        kind="requested",
        summary=data.event,
        waitlisted=data.outcome == "waitlisted",
        waitlist_position=data.waitlist_position or 0,
        respond_url=data.respond_url,
    )


async def tell_change(event: EventChanged, ctx: Context) -> None:
    for person_id in event.data.accepted:
        await _to_volunteer(
            event, str(person_id), "event_changed", ctx, kind="requested", summary=event.data.event
        )


async def tell_cancellation(event: EventCancelled, ctx: Context) -> None:
    for person_id in [*event.data.accepted, *event.data.waitlisted]:
        await _to_volunteer(
            event,
            str(person_id),
            "event_cancelled",
            ctx,
            kind="requested",
            summary=event.data.event,
        )


async def encourage(event: VolunteerUnmatched, ctx: Context) -> None:
    data = event.data
    language = data.language
    nearest = [
        {
            "title": e.title,
            "when": spoken(e.starts_at, language),
            "distance_km": f"{e.distance_km:.0f}",
        }
        for e in data.nearest_events
    ]
    await _to_volunteer(
        event,
        str(data.person_id),
        "volunteer_unmatched",
        ctx,
        kind="volunteering",
        nearest=nearest,
        connector=data.connector_invitation,
    )


async def tell_organiser(event: EventPublished, ctx: Context) -> None:
    data = event.data
    if data.organiser_email is None:  # the organiser asked to be forgotten
        return
    language = "cy" if data.event.language == "cy" else "en"
    await delivery.request(
        MessageRequest(
            cause_event_id=str(event.id),
            template="event_published",
            recipient=Recipient(str(data.organiser_email), "", language),
            context={
                **describe(data.event, language),
                "public_url": data.public_url,
                "cancel_url": data.cancel_url,
            },
            kind="requested",
            correlation_id=event.correlation_id,
        ),
        ctx,
    )
