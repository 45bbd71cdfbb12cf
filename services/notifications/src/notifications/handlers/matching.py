"""Messages about matched events: invitations, places, changes, cancellations, a kind word.

Reminders of an accepted place, and what happens to them when the place or the event changes, are
in `handlers.reminders`; the weekly digest of invitations in `handlers.digest`. Invitations,
places, changes and cancellations go by text too (or instead) to those who chose texts
(`handlers.reach`).
"""

import structlog
from together_contracts import IntegrationEvent
from together_contracts.matches import (
    AttendanceRecorded,
    EventCancelled,
    EventChanged,
    EventChangedData,
    EventPublished,
    EventSummary,
    EventVenue,
    MatchAccepted,
    MatchDeclined,
    MatchProposed,
    MatchReasons,
    OrganiserContact,
    VolunteerUnmatched,
)
from together_contracts.organising import EventMessagePosted
from together_kit.messaging.consuming import AlreadyHandled
from together_kit.stored import epoch
from together_kit.web.labels import NEARBY_KM

from notifications.domain.contacts import SMS
from notifications.domain.messages import MessageRequest, Recipient
from notifications.handlers import delivery, reach
from notifications.handlers.context import Context
from notifications.handlers.when import span, spoken

log = structlog.get_logger("notifications.matching")
MATCHED_EVENTS = "matched-events"


TIME_FIELDS = frozenset({"starts_at", "ends_at", "time"})
VENUE_FIELDS = frozenset(
    {
        "venue",
        "online",
        "outward_code",
        "postcode",
        "address",
        "address_lines",
        "town",
        "joining_url",
        "arrival_notes",
        "accessibility",
    }
)
"""Names in `event.changed`'s `changes` that mean the place changed (also `venue.<field>`)."""


def describe(event: EventSummary, language: str) -> dict[str, object]:
    return {
        "title": event.title,
        "when": spoken(event.starts_at, language),
        "span": span(event.starts_at, event.ends_at, language),
        "where": "" if event.online else (event.outward_code or ""),
        "online": event.online,
    }


def venue(place: EventVenue | None) -> dict[str, object] | None:
    """The full venue for someone with a place: name, address lines, town and postcode (or the
    joining link), how to get in and access."""
    if place is None:
        return None
    lines = [] if place.online else [place.name, *place.address_lines, place.town, place.postcode]
    return {
        "online": place.online,
        "lines": [line for line in lines if line.strip()],
        "joining_url": place.joining_url if place.online else "",
        "arrival_notes": place.arrival_notes,
        "accessibility": place.accessibility,
    }


def organiser(contact: OrganiserContact | None) -> dict[str, object] | None:
    if contact is None:
        return None
    email = contact.email or ""
    return {"first_name": contact.first_name, "email": email, "phone": contact.phone}


async def _to_volunteer(
    cause: IntegrationEvent,
    person_id: str,
    template: str,
    ctx: Context,
    *,
    kind: str,
    by_text: reach.TextFields | None = None,
    **fields: object,
) -> delivery.Requested | None:
    """Volunteers are named only by id: their address is the contact kept from signups; their
    number too, for those who chose texts (`handlers.reach`: by email, text or both; `by_text` says
    what a text of this message links to). What was recorded first (the email, or the only
    text), or `None` when nothing is to be sent."""
    contact = await ctx.contacts.get(person_id)
    if contact is None:
        log.info("no contact for volunteer; nothing sent", person_id=person_id, template=template)
        return None
    if kind in {"invitation", "volunteering"} and MATCHED_EVENTS in contact.withdrawn:
        return None
    summary = fields.pop("summary", None)
    why = fields.pop("why", None)
    context = dict(fields)
    if isinstance(why, MatchReasons):
        context["reasons"] = ctx.words.match_reasons(why, contact.language)
    event_id = None
    if isinstance(summary, EventSummary):
        context |= describe(summary, contact.language)
        event_id = str(summary.event_id)
    wanted = MessageRequest(
        cause_event_id=str(cause.id),
        template=template,
        recipient=Recipient(contact.email, contact.name, contact.language, contact.person_id),
        context=context,
        kind=kind,
        correlation_id=cause.correlation_id,
        event_id=event_id,
        digest=kind == "invitation" and contact.digest,
    )
    recorded: list[delivery.Requested] = []
    for channel in reach.channels_for(contact, wanted, ctx):
        if channel == SMS:
            extra = await (by_text or reach.TextFields()).values(contact, ctx)
            wanted = reach.as_text(wanted, contact, **extra)
        recorded.append(await delivery.record_request(wanted, ctx))
    return recorded[0] if recorded else None


async def invite(event: MatchProposed, ctx: Context) -> None:
    """An invitation: kept out of quiet hours and under the weekly cap by the dispatcher, or held
    for the weekly digest when the person chose it (see `handlers.digest`).

    Keyed by the event id (the message's key holds it), so no inbox is kept for the event: a
    redelivery finds the message recorded, sends nothing again and counts as a duplicate."""
    data = event.data
    requested = await _to_volunteer(
        event,
        str(data.person_id),
        "match_invitation",
        ctx,
        kind="invitation",
        summary=data.event,
        starts_at=epoch(data.event.starts_at),
        reasons=list(data.reasons),
        why=data.why,
        accept_url=data.accept_url,
        decline_url=data.decline_url,
        respond_url=data.respond_url,
        by_text=reach.TextFields(
            link=data.respond_url, match_id=str(data.match_id), until=data.event.starts_at
        ),
    )
    if requested is not None and requested.before is not None:
        raise AlreadyHandled(str(event.id))


async def confirm_place(event: MatchAccepted, ctx: Context) -> None:
    """The place (or the waitlist): where in full, when, whom to ask. A waitlisted person sees
    the venue only if the organiser made it public."""
    data = event.data
    waitlisted = data.outcome == "waitlisted" and not data.from_waitlist
    shown = not waitlisted or (data.venue is not None and data.venue.public)
    await _to_volunteer(
        event,
        str(data.person_id),
        "match_accepted",
        ctx,
        kind="requested",
        summary=data.event,
        waitlisted=waitlisted,
        waitlist_position=data.waitlist_position or 0,
        respond_url=data.respond_url,
        venue=venue(data.venue) if shown else None,
        organiser=None if waitlisted else organiser(data.organiser),
        by_text=reach.TextFields(link=data.respond_url, until=data.event.ends_at),
    )


async def confirm_answer(event: MatchDeclined, ctx: Context) -> None:
    """A text to those who chose texts that their no (or their place given up) was heard; by
    email the answer page said so already, so no email goes."""
    data = event.data
    contact = await ctx.contacts.get(str(data.person_id))
    if contact is None or not reach.texts_to(contact, ctx):
        return
    wanted = MessageRequest(
        cause_event_id=str(event.id),
        template="match_declined",
        recipient=Recipient(contact.phone, contact.name, contact.language, contact.person_id),
        context={"withdrawn": data.withdrawn},
        channel=SMS,
        kind="requested",
        correlation_id=event.correlation_id,
    )
    await delivery.request(wanted, ctx)


def worth_telling(data: EventChangedData) -> tuple[bool, bool]:
    """Whether the time, and whether the venue, changed: what a person with a place needs to
    know (a change of places or description is not news to them)."""
    changes = set(data.changes)
    was = data.was
    timed = bool(changes & TIME_FIELDS) or (
        was is not None
        and (was.starts_at, was.ends_at) != (data.event.starts_at, data.event.ends_at)
    )
    moved = any(c.split(".")[0] in VENUE_FIELDS for c in changes)
    retitled = was is not None and was.title != data.event.title
    return timed, moved or retitled


async def tell_change(event: EventChanged, ctx: Context) -> None:
    """One notice per person with a place, saying what changed: the time (was, now), the venue."""
    data = event.data
    timed, moved = worth_telling(data)
    if not (timed or moved):
        return
    for person_id in data.accepted:
        contact = await ctx.contacts.get(str(person_id))
        language = contact.language if contact else "en"
        was = data.was
        await _to_volunteer(
            event,
            str(person_id),
            "event_changed",
            ctx,
            kind="requested",
            summary=data.event,
            timed=timed,
            was=span(was.starts_at, was.ends_at, language) if timed and was else "",
            was_title=was.title if was and was.title != data.event.title else "",
            moved=moved and data.venue is not None,
            venue=venue(data.venue) if moved else None,
        )


async def pass_message(event: EventMessagePosted, ctx: Context) -> None:
    """The organiser's words to each person with a place, one email each, no one's address shown."""
    data = event.data
    for person_id in data.accepted:
        await _to_volunteer(
            event,
            str(person_id),
            "event_message",
            ctx,
            kind="requested",
            summary=data.event,
            organiser_first_name=data.organiser_first_name,
            text=data.text,
        )


async def thank(event: AttendanceRecorded, ctx: Context) -> None:
    """A thank-you to someone who came, with where to share a story of it; a no-show gets nothing."""
    data = event.data
    if not data.attended:
        return
    await _to_volunteer(
        event,
        str(data.person_id),
        "attendance_thanks",
        ctx,
        kind="volunteering",
        title=data.event.title if data.event else "",
        share_url=ctx.share_url,
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
            "nearby": e.distance_km < NEARBY_KM,
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
            recipient=Recipient(data.organiser_email, "", language),
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
