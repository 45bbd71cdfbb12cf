"""The weekly digest: a person who chose it gets their invitations in one email a week.

The choice is made on our preferences page (behind every unsubscribe link) and kept on the
contact. Their invitations are recorded as `digest` instead of `queued` (see `handlers.matching`).
`send_digests` runs periodically, on one replica at a time (the kit leases it); from each digest
moment (Monday 08:00 London) on, it gathers each person's invitations recorded before that moment
into one `invitation_digest` message, keyed by person and week so no rerun ever records a second,
then marks the gathered invitations `sent-in-digest` with the digest's key. A crash between the
two is repaired by the next run: the digest's key is taken, and the invitations it lists are
marked. Invitations to events that began meanwhile are cancelled instead; invitations recorded
after the moment wait for next week's.
"""

import uuid
from datetime import datetime

import structlog
from together_kit.stored import epoch

from notifications.domain import policy
from notifications.domain.messages import Message, MessageRequest, Recipient, Status
from notifications.handlers import delivery
from notifications.handlers.context import Context
from notifications.handlers.matching import MATCHED_EVENTS

log = structlog.get_logger("notifications.digest")
TEMPLATE = "invitation_digest"
KIND = "digest"
DIGESTS = uuid.UUID("5d1f0a3e-6c2b-4f53-9a43-7b0d2f1e8c11")
"""Namespace of digests' cause ids: uuid5 of (recipient, digest moment)."""


async def send_digests(ctx: Context) -> int:
    """Record this week's digest for everyone with invitations waiting; returns how many."""
    now = ctx.clock()
    moment = policy.last_digest(now, rules=ctx.invitation_rules)
    people: dict[str, list[Message]] = {}
    for message in await ctx.messages.held_for_digest(before=moment):
        person = ctx.address_keys.digests_of(message)[0]  # held under older digests too
        people.setdefault(person, []).append(message)
    recorded = 0
    for held in people.values():
        recorded += await _digest(held, moment=moment, now=now, ctx=ctx)
    return recorded


async def _digest(held: list[Message], *, moment: datetime, now: datetime, ctx: Context) -> int:
    first = held[0]
    contact = await ctx.contacts.get(first.person_id) if first.person_id else None
    if contact is None or MATCHED_EVENTS in contact.withdrawn:
        reason = "no contact any more" if contact is None else "matched-events consent withdrawn"
        await ctx.messages.cancel_keys([h.key for h in held], reason=reason, now=now)
        return 0
    started = [h.key for h in held if h.context.get("starts_at", 0) <= epoch(now)]
    if started:
        await ctx.messages.cancel_keys(started, reason="event began before the digest", now=now)
    upcoming = [h for h in held if h.key not in started]
    if not upcoming:
        return 0
    upcoming.sort(key=lambda h: h.context["starts_at"])
    cause = uuid.uuid5(DIGESTS, f"{first.recipient_hash}|{moment.isoformat()}")
    key = await delivery.request(
        MessageRequest(
            cause_event_id=str(cause),
            template=TEMPLATE,
            recipient=Recipient(contact.email, contact.name, contact.language, contact.person_id),
            context={"invitations": [h.context for h in upcoming]},
            kind=KIND,
            correlation_id=str(cause),
            gathers=tuple(h.key for h in upcoming),
        ),
        ctx,
    )
    digest = await ctx.messages.get(key)
    gathered = list(digest.gathers) if digest else []
    if digest and digest.status is Status.SUPPRESSED:
        await ctx.messages.cancel_keys(gathered, reason=digest.reason, now=now)
        return 0
    marked = await ctx.messages.mark_in_digest(gathered, digest_key=key, now=now)
    log.info("digest recorded", key=key, invitations=marked)
    return 1


async def choose(person_id: str, *, weekly: bool, ctx: Context) -> bool:
    """Save the person's choice; giving the digest up sends what it held one by one (out of
    quiet hours). False if we do not know the person."""
    if not await ctx.contacts.set_digest(person_id, digest=weekly):
        return False
    if not weekly:
        not_before = policy.send_at(ctx.clock(), rules=ctx.invitation_rules)
        if await ctx.messages.release_digest(person_id, not_before=not_before):
            ctx.wake()
    return True
