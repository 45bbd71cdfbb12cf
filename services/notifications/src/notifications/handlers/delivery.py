"""Never twice: every message a handler asks for is first recorded as an intent.

`request` writes the message under its key (cause event id, recipient, template) as `queued` (or
`digest`, held for a weekly digest), or as `suppressed`, before anything is sent. A redelivered
event finds the key taken: no-op. Only invitations wait out quiet hours; anything may wait for its
own `not_before` (reminders wait for their moment). The dispatcher sends it (`handlers.sending`).

A message due at once that no policy holds back (not an invitation, which the weekly cap and
quiet hours govern) is recorded already claimed by this process (`sending`, its first attempt)
and sent from here right away: the claim is the insert, and no dispatcher pass has to find it.
If this process dies before handing it over, the reconciler gives it back to `queued` as it does
any interrupted claim (handlers.recovery).

A text (channel `sms`) is recorded the same way, its address the phone number (E.164): its key,
suppressions and weekly cap go by the number's digest, its erasure digest is `phone_digest`, and
an invitation by text keeps the stricter quiet hours of texts (`Context.text_rules`).
"""

import asyncio
from typing import NamedTuple

import structlog
from together_contracts import phone_digest
from together_contracts.erasure import email_digest

from notifications.domain.contacts import SMS
from notifications.domain.messages import (
    INVITATION,
    Message,
    MessageRequest,
    Recorded,
    message_key,
)
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.delivery")


class Requested(NamedTuple):
    key: str
    before: Recorded | None = None
    """The message recorded before for this cause, address and template (a redelivery, perhaps
    under an older address key): then nothing was written."""


async def request(wanted: MessageRequest, ctx: Context) -> str:
    """Record one message to send (or why not); returns its key."""
    return (await record_request(wanted, ctx)).key


async def record_request(wanted: MessageRequest, ctx: Context) -> Requested:
    """Record one message to send (or why not), and send it now if it is due now. Never twice
    for one cause, address and template, whichever address key it was recorded under before
    (the log's insert refuses it, `MessageRepository.record`)."""
    if not wanted.recipient.address:
        log.info("no address to send to; nothing recorded", template=wanted.template)
        return Requested("")
    now = ctx.clock()
    digests = ctx.address_keys.digests(wanted.recipient.address)
    older_keys = [
        message_key(
            cause_event_id=wanted.cause_event_id, recipient_hash=d, template=wanted.template
        )
        for d in digests[1:]
    ]
    recorded, suppression = await asyncio.gather(
        ctx.messages.recorded_under(older_keys), ctx.suppressions.reason(digests)
    )
    if recorded is not None:  # logged before `once`, under an older digest: never twice
        return Requested(recorded.key, recorded)
    message = Message.requested(
        wanted,
        recipient_hash=digests[0],
        email_digest=erasure_digest(wanted, ctx),
        now=now,
        rules=ctx.rules_for(wanted.channel),
        suppression=suppression,
    )
    sender = ctx.sender
    sends_now = (
        sender is not None
        and message.to_send
        and message.kind != INVITATION
        and message.not_before <= now
        and await sender.reserve()
    )
    if sender is None or not sends_now:
        if await ctx.messages.record(message):
            if message.to_send:
                ctx.wake()
            return Requested(message.key)
        return await _recorded_before(message, ctx)
    message = message.claimed(at=now)
    try:
        new = await ctx.messages.record(message)
    except BaseException:
        sender.release()
        raise
    if new:
        sender.send(message)
        return Requested(message.key)
    sender.release()
    return await _recorded_before(message, ctx)


def erasure_digest(wanted: MessageRequest, ctx: Context) -> str:
    """The keyed digest every service shares of the recipient's address (or number, for a text),
    by which an erasure finds the message."""
    address = wanted.recipient.address
    if wanted.channel == SMS:
        return phone_digest(address, key=ctx.erasure_key)
    return email_digest(address, key=ctx.erasure_key)


async def _recorded_before(message: Message, ctx: Context) -> Requested:
    before = await ctx.messages.recorded_as(message)
    if before is None:  # recorded and gone since (retention): not again
        return Requested(message.key, Recorded(message.key))
    return Requested(before.key, before)
