"""Reminders of an accepted place: scheduled when the place is given, cancelled when it is given
up or the event is cancelled, scheduled afresh when the event changes.

Each reminder is a message recorded at once as `queued` with its moment as `not_before` (the day
before at 10:00 and the morning of the event at 08:00, London time, by default; the morning one
only if the event starts later). Quiet hours do not apply: the person asked for reminders by
accepting. The weekly invitation cap does not count them (it counts invitations only). Never
twice: one reminder per (cause event, recipient, template), and a redelivered event finds its
reminders recorded. A reminder no longer wanted ends `cancelled`, with the reason, never sent.
Someone who chose texts gets each reminder by text too (or instead), at the same moment
(`handlers.reach`): a text reminder is no invitation, so quiet hours do not hold it either.
"""

from datetime import datetime

import structlog
from together_contracts import IntegrationEvent
from together_contracts.matches import (
    EventCancelled,
    EventChanged,
    EventSummary,
    MatchAccepted,
    MatchDeclined,
)

from notifications.domain.contacts import SMS
from notifications.domain.messages import INVITATION, MessageRequest, Recipient
from notifications.domain.reminders import KIND, reminders_due
from notifications.handlers import delivery, reach
from notifications.handlers.context import Context
from notifications.handlers.matching import describe, worth_telling

log = structlog.get_logger("notifications.reminders")
WAITING_ABOUT_AN_EVENT = (KIND, INVITATION)
"""What a cancelled event or a given-up place cancels: reminders, and invitations not yet sent."""


async def schedule(event: MatchAccepted, ctx: Context) -> None:
    """A place (also one given from the waitlist) gets its reminders; a waitlist spot none."""
    data = event.data
    if data.outcome != "accepted" and not data.from_waitlist:
        return
    await _remind(event, str(data.person_id), data.event, ctx, respond_url=data.respond_url)


async def give_up(event: MatchDeclined, ctx: Context) -> None:
    """The person said no, or gave their place up: nothing more about that event goes to them."""
    data = event.data
    reason = "place given up" if data.withdrawn else "declined"
    await ctx.messages.cancel_waiting(
        event_id=str(data.event_id),
        person_id=str(data.person_id),
        kinds=WAITING_ABOUT_AN_EVENT,
        reason=reason,
        now=ctx.clock(),
    )


async def cancel_for_event(event: EventCancelled, ctx: Context) -> None:
    await ctx.messages.cancel_waiting(
        event_id=str(event.data.event.event_id),
        kinds=WAITING_ABOUT_AN_EVENT,
        reason="event cancelled",
        now=ctx.clock(),
    )


async def reschedule(event: EventChanged, ctx: Context) -> None:
    """The time or place changed: waiting reminders are cancelled (they name the old details)
    and each volunteer with a place gets reminders for the new ones, at moments still ahead."""
    if not any(worth_telling(event.data)):
        return
    summary = event.data.event
    cancelled = await ctx.messages.cancel_waiting(
        event_id=str(summary.event_id),
        kinds=(KIND,),
        reason=f"rescheduled: the event changed ({', '.join(event.data.changes)})",
        now=ctx.clock(),
        sparing_cause=str(event.id),
    )
    links = {m.person_id: m.context.get("respond_url", "") for m in cancelled}
    for person_id in map(str, event.data.accepted):
        await _remind(event, person_id, summary, ctx, respond_url=links.get(person_id, ""))


async def _remind(
    cause: IntegrationEvent,
    person_id: str,
    summary: EventSummary,
    ctx: Context,
    *,
    respond_url: str,
) -> None:
    contact = await ctx.contacts.get(person_id)
    if contact is None:
        log.info("no contact for volunteer; no reminders", person_id=person_id)
        return
    due: dict[str, datetime] = reminders_due(summary.starts_at, ctx.clock(), rules=ctx.reminders)
    by_text = reach.TextFields(link=respond_url, until=summary.ends_at)
    for template, at in due.items():
        wanted = MessageRequest(
            cause_event_id=str(cause.id),
            template=template,
            recipient=Recipient(contact.email, contact.name, contact.language, contact.person_id),
            context={**describe(summary, contact.language), "respond_url": respond_url},
            kind=KIND,
            correlation_id=cause.correlation_id,
            not_before=at,
            event_id=str(summary.event_id),
        )
        for channel in reach.channels_for(contact, wanted, ctx):
            if channel == SMS:
                wanted = reach.as_text(wanted, contact, **await by_text.values(contact, ctx))
            await delivery.request(wanted, ctx)
