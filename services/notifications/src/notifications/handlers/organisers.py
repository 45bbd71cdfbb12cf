"""An event's organiser: the link to their page, who is coming, and a digest of places taken and
given up (at most one an hour per event).

The roster (domain.rosters) is kept from matching's events; the organiser's address, name,
language and page come from `event.published`. The digest job runs periodically (on one replica
at a time; the kit leases it). For a roster whose digest is due it records one `organiser_digest`
message keyed by (event, digest number), so no rerun records a second, then takes the changes
that message gathered off the roster and counts the digest. A crash between the two is repaired
by the next run: the key is taken, and the changes it recorded are taken off then. Never lost,
never twice.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from together_contracts import PersonErasureRequested
from together_contracts.matches import EventCancelled, EventPublished, MatchAccepted, MatchDeclined
from together_contracts.organising import MatchSharingChanged, OrganiserLinkRequested

from notifications.domain.contacts import first_name
from notifications.domain.messages import MessageRequest, Recipient
from notifications.domain.rosters import Organiser, Roster
from notifications.handlers import delivery
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.organisers")
DIGESTS = uuid.UUID("0b6c1f4e-3d52-4a8e-9f61-2c7d8e5a9b34")
"""Namespace of organiser digests' cause ids: uuid5 of (event id, digest number)."""
Document = dict[str, Any]
DIGEST_KIND = "organiser-digest"
"""Stopped by the organiser's unsubscribe (adapters.suppressions), unlike the link to their page."""


async def send_link(event: OrganiserLinkRequested, ctx: Context) -> None:
    """The link to the organiser's page, to the address given with the listing. That address is
    not confirmed, so the email carries no name, and the title (the lister's own words, shown
    to the address they typed) goes at most a few times a day to one address (`organiser_links`)."""
    data = event.data
    address = data.organiser_email
    if ctx.organiser_links is not None and not await ctx.organiser_links.take(
        address, now=ctx.clock()
    ):
        log.info("organiser link not sent: daily allowance spent", event_id=str(data.event_id))
        return
    await delivery.request(
        MessageRequest(
            cause_event_id=str(event.id),
            template="organiser_link",
            recipient=Recipient(address, "", data.language),
            context={"title": data.title, "manage_url": data.manage_url, "reason": data.reason},
            kind="requested",
            correlation_id=event.correlation_id,
        ),
        ctx,
    )


async def keep_event(event: EventPublished, ctx: Context) -> None:
    """Whom to tell about places on this event: the organiser, as the listing gave them."""
    if ctx.rosters is None:
        return
    data = event.data
    language = "cy" if data.event.language == "cy" else "en"
    email = data.organiser_email or ""
    organiser = Organiser(email, data.organiser_name, language, data.manage_url) if email else None

    def keep(roster: Roster) -> bool:
        if (roster.title, roster.organiser) == (data.event.title, organiser):
            return False
        roster.title, roster.organiser = data.event.title, organiser
        return True

    await ctx.rosters.change(str(data.event.event_id), keep)


async def record_place(event: MatchAccepted, ctx: Context) -> None:
    """A place taken (also one given from the waitlist), or a spot on the waitlist."""
    if ctx.rosters is None:
        return
    data = event.data
    waitlisted = data.outcome == "waitlisted" and not data.from_waitlist
    now = ctx.clock()

    def place(roster: Roster) -> bool:
        if not roster.first_time(str(event.id)):
            return False
        roster.title = roster.title or data.event.title
        roster.place(
            str(data.person_id),
            waitlisted=waitlisted,
            share=data.share_contact,
            cause=str(event.id),
            now=now,
        )
        return True

    await ctx.rosters.change(str(data.event.event_id), place)


async def record_leaving(event: MatchDeclined, ctx: Context) -> None:
    if ctx.rosters is None or not event.data.withdrawn:
        return
    data = event.data
    now = ctx.clock()

    def leave(roster: Roster) -> bool:
        if not roster.first_time(str(event.id)):
            return False
        roster.leave(str(data.person_id), cause=str(event.id), now=now)
        return True

    await ctx.rosters.change(str(data.event_id), leave)


async def record_sharing(event: MatchSharingChanged, ctx: Context) -> None:
    if ctx.rosters is None:
        return
    data = event.data

    def share(roster: Roster) -> bool:
        if str(data.person_id) not in roster.people:
            return False
        roster.share(str(data.person_id), share=data.share_contact)
        return True

    await ctx.rosters.change(str(data.event_id), share)


async def close(event: EventCancelled, ctx: Context) -> None:
    if ctx.rosters is None:
        return

    def cancel(roster: Roster) -> bool:
        if roster.cancelled:
            return False
        roster.cancel()
        return True

    await ctx.rosters.change(str(event.data.event.event_id), cancel)


@dataclass(frozen=True)
class Coming:
    """What the organiser's "who is coming" page shows."""

    title: str
    people: list[dict[str, str]]
    waiting: int
    cancelled: bool


async def who_is_coming(event_id: str, ctx: Context) -> Coming:
    """First names of the people with a place, with the email of those who let the organiser
    see it; the waitlist as a count."""
    roster = await ctx.rosters.get(event_id) if ctx.rosters is not None else None
    if roster is None:
        return Coming("", [], 0, cancelled=False)
    people = []
    for person_id in roster.taken():
        contact = await ctx.contacts.get(person_id)
        if contact is None:
            continue
        email = contact.email if roster.people[person_id].share else ""
        people.append({"first_name": first_name(contact.name), "email": email})
    people.sort(key=lambda p: p["first_name"].casefold())
    return Coming(roster.title, people, roster.waiting(), roster.cancelled)


async def send_digests(ctx: Context) -> int:
    """Record each organiser digest that is due; returns how many."""
    if ctx.rosters is None:
        return 0
    now = ctx.clock()
    recorded = 0
    for event_id in await ctx.rosters.due(now):
        recorded += await _digest(event_id, now=now, ctx=ctx)
    return recorded


async def _digest(event_id: str, *, now: datetime, ctx: Context) -> int:
    assert ctx.rosters is not None
    roster = await ctx.rosters.get(event_id)
    if roster is None or roster.digest_due_at is None or roster.digest_due_at > now:
        return 0
    number, organiser = roster.digests, roster.organiser
    if organiser is None or not roster.changes:

        def nobody_to_tell(roster: Roster) -> bool:
            roster.changes.clear()
            roster.digest_due_at = None
            return True

        await ctx.rosters.change(event_id, nobody_to_tell)
        return 0
    changes = sorted(roster.changes.items(), key=lambda item: item[1].at)
    lines: list[dict[str, str]] = []
    for _key, change in changes:
        contact = await ctx.contacts.get(change.person_id) if change.person_id else None
        named = contact is not None
        lines.append(
            {
                "kind": change.kind,
                "name": first_name(contact.name) if contact else "",
                "person": change.person_id if named else "",
            }
        )
    cause = str(uuid.uuid5(DIGESTS, f"{event_id}|{number}"))
    key = await delivery.request(
        MessageRequest(
            cause_event_id=cause,
            template="organiser_digest",
            recipient=Recipient(organiser.email, "", organiser.language),
            context={
                "title": roster.title,
                "changes": lines,
                "taken": len(roster.taken()),
                "waiting": roster.waiting(),
                "manage_url": organiser.manage_url,
            },
            kind=DIGEST_KIND,
            correlation_id=cause,
            gathers=tuple(key for key, _change in changes),
            mentions=tuple(line["person"] for line in lines if line["person"]),
        ),
        ctx,
    )
    message = await ctx.messages.get(key)
    gathered = list(message.gathers) if message else []

    def digested(roster: Roster) -> bool:
        if roster.digests != number:
            return False
        roster.digested(gathered, now=now)
        return True

    await ctx.rosters.change(event_id, digested)
    log.info("organiser digest recorded", key=key, event_id=event_id, changes=len(gathered))
    return 1


async def forget(event: PersonErasureRequested, ctx: Context) -> None:
    """Erasure: a volunteer leaves every roster (a place they had shows as freed, nameless, and
    digests that named them name them no more); an organiser's address leaves their events."""
    if ctx.rosters is None:
        return
    now = ctx.clock()
    if event.data.person_id is not None:
        person_id = str(event.data.person_id)
        cause = str(event.id)

        def forget_person(roster: Roster) -> bool:
            roster.forget(person_id, cause=cause, now=now)
            return True

        for event_id in await ctx.rosters.mentioning(person_id):
            await ctx.rosters.change(event_id, forget_person)
        await ctx.messages.scrub_mentions(person_id, lambda c: _unnamed(c, person_id))
    if event.data.email_digest:

        def forget_organiser(roster: Roster) -> bool:
            roster.organiser = None
            roster.changes.clear()
            roster.digest_due_at = None
            return True

        for event_id in await ctx.rosters.organised_by(event.data.email_digest):
            await ctx.rosters.change(event_id, forget_organiser)


def _unnamed(context: Document, person_id: str) -> Document:
    lines = [
        {**line, "name": "", "person": ""} if line.get("person") == person_id else line
        for line in context.get("changes", [])
    ]
    return {**context, "changes": lines} if "changes" in context else context
