"""Never twice: record the intent, claim it, send it, record the outcome.

1. `request` writes the message under its key (cause event id, recipient, template) as `queued`
   (or `digest`, held for a weekly digest), or as `suppressed`, before anything is sent. A
   redelivered event finds the key taken: no-op. Only invitations wait out quiet hours; anything
   may wait for its own `not_before` (reminders wait for their moment).
2. `send_one` claims a due message (`queued` -> `sending`, atomically, so one dispatcher wins),
   ends it `suppressed` if the address was suppressed while it waited, holds an invitation over
   the weekly cap (only invitations count) until next week, renders it and hands it to its
   channel, then records `sent` with `notification.sent`.
3. A temporary failure puts it back to `queued` with a later `not_before` (exponential backoff);
   when the tries run out, or on a permanent failure, it ends `failed` with `notification.failed`,
   and a permanent failure suppresses the address.
4. A crash after the claim leaves `sending`. The channel records its point of no return
   (`handed_over_at` and `handed_over_by`, written with the whole message on the SMTP server,
   before the final dot that commits it), then writes a row to this process's handover journal
   and the dot, with no await between them. `reconcile` gives a message that was claimed but
   never handed over back to `queued` (it was not sent, so it is sent once). One handed over is
   settled by its own dispatcher when it restarts (`recover_handovers`): a journal row means the
   dot went (`sent`), none means it did not (`queued` again). If that dispatcher never returns,
   `reconcile` marks the message `unknown` after the stale limit: it may have gone out, so it is
   never sent twice. The Message-ID is derived from the key, so any manual resend is recognisable.
   A store outage after the claim is not a crash: the outcome (or, before the hand-over, giving
   the message back to `queued`) is retried until the store answers again. If that took longer
   than the stale limit and the reconciler meanwhile guessed `unknown`, the dispatcher's outcome
   still lands: it holds the claim's attempt, and what it knows beats the guess.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import structlog
from pymongo.errors import ConnectionFailure
from together_contracts.erasure import email_digest
from together_contracts.notifications import (
    NotificationFailed,
    NotificationFailedData,
    NotificationSent,
    NotificationSentData,
)

from notifications.adapters.channels import Outgoing, PermanentDeliveryError, TemporaryDeliveryError
from notifications.adapters.handover_journal import JournalError
from notifications.adapters.messages import Due
from notifications.adapters.suppressions import BOUNCED, blocks
from notifications.domain import policy
from notifications.domain.messages import MessageRequest, Status, message_key
from notifications.handlers.context import PRODUCER, Context

log = structlog.get_logger("notifications.delivery")
BATCH = 50
OUTCOME_RETRY_SECONDS = 1.0
OUTCOME_PATIENCE_SECONDS = 300.0
"""How long a claimed message's outcome is retried through a store outage before giving up."""

Document = dict[str, Any]


async def request(wanted: MessageRequest, ctx: Context) -> str:
    """Record one message to send (or why not); returns its key."""
    now = ctx.clock()
    recipient = wanted.recipient
    digests = ctx.address_keys.digests(recipient.address)
    recipient_hash = digests[0]
    key, *older_keys = (
        message_key(
            cause_event_id=wanted.cause_event_id, recipient_hash=d, template=wanted.template
        )
        for d in digests
    )
    if recorded := await ctx.messages.first_recorded(older_keys):
        return recorded  # recorded under an older digest before: never twice
    suppression = await ctx.suppressions.reason(digests)
    suppressed = suppression is not None and blocks(suppression, kind=wanted.kind)
    not_before = wanted.not_before or now
    if wanted.kind == "invitation":
        not_before = policy.send_at(max(not_before, now), rules=ctx.invitation_rules)
    status = Status.DIGEST if wanted.digest else Status.QUEUED
    document: Document = {
        "_id": key,
        "cause_event_id": wanted.cause_event_id,
        "correlation_id": wanted.correlation_id,
        "template": wanted.template,
        "channel": wanted.channel,
        "kind": wanted.kind,
        "recipient": recipient.address,
        "recipient_hash": recipient_hash,
        "email_digest": email_digest(recipient.address, key=ctx.erasure_key),
        "recipient_name": recipient.name,
        "language": recipient.language,
        "person_id": recipient.person_id,
        "context": wanted.context,
        "status": (Status.SUPPRESSED if suppressed else status).value,
        "reason": f"address suppressed: {suppression}" if suppressed else "",
        "attempts": 0,
        "queued_at": now,
        "not_before": not_before,
        "event_id": wanted.event_id,
        "gathers": list(wanted.gathers),
        "mentions": list(wanted.mentions),
    }
    if await ctx.messages.record(document) and not suppressed and status is Status.QUEUED:
        ctx.wake()
    return key


async def dispatch_due(ctx: Context) -> int:
    """Send every message that is due now, `ctx.senders` at a time; returns how many were
    attempted. A store outage ends the pass once the messages in flight are settled."""
    attempted = 0
    while due := await ctx.messages.due(ctx.clock(), limit=BATCH):
        for wave in waves(due, width=ctx.senders):
            outcomes = await asyncio.gather(
                *(send_one(item.key, ctx) for item in wave), return_exceptions=True
            )
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
                attempted += outcome
        if len(due) < BATCH:
            break
    return attempted


def waves(due: Sequence[Due], *, width: int) -> list[list[Due]]:
    """`due` in order, cut into groups of at most `width` sent at once, none with two messages to
    one address: the weekly cap of one must see the other, and nobody gets two at once."""
    cut: list[list[Due]] = [[]]
    for item in due:
        wave = cut[-1]
        if len(wave) == width or any(i.recipient_hash == item.recipient_hash for i in wave):
            cut.append(wave := [])
        wave.append(item)
    return [wave for wave in cut if wave]


async def send_one(key: str, ctx: Context) -> int:
    now = ctx.clock()
    message = await ctx.messages.claim(key, now=now)
    if message is None:
        return 0
    try:
        suppression = await ctx.suppressions.reason(ctx.address_keys.digests_of(message))
        if suppression is not None and blocks(suppression, kind=message["kind"]):
            reason = f"address suppressed while waiting: {suppression}"
            await ctx.messages.finish(
                key,
                attempt=message["attempts"],
                status=Status.SUPPRESSED,
                fields={"reason": reason},
                events=[],
            )
            return 0
        if message["kind"] == "invitation" and not await _within_cap(message, now, ctx):
            start = policy.week_start(now, rules=ctx.invitation_rules) + timedelta(days=7)
            await ctx.messages.requeue(
                key,
                attempt=message["attempts"],
                not_before=policy.send_at(start, rules=ctx.invitation_rules),
                reason="weekly cap reached",
            )
            return 0
    except ConnectionFailure:
        await _give_back(message, now, ctx)
        raise
    channel = ctx.channels[message["channel"]]
    attempt = message["attempts"]

    async def handing_over() -> None:
        instance = ctx.journal.instance
        if not await ctx.messages.mark_handed_over(
            key, attempt=attempt, now=ctx.clock(), by=instance
        ):
            raise ClaimLostError(key)

    def committing() -> None:
        ctx.journal.committing(key, attempt)

    try:
        await channel.send(outgoing(message, ctx), handing_over=handing_over, committing=committing)
    except ClaimLostError:
        log.warning("claim lost before hand-over; another dispatcher has the message", key=key)
        return 0
    except (ConnectionFailure, JournalError):  # the point of no return was not recorded: not sent
        await _give_back(message, now, ctx)
        raise
    except TemporaryDeliveryError as failure:
        why = failure.reason
        await _through_store_outage(lambda: _temporary(message, why, now, ctx))
    except PermanentDeliveryError as failure:
        why = failure.reason
        await _through_store_outage(lambda: _failed(message, why, permanent=True, ctx=ctx))
    else:
        sent_at = ctx.clock()
        await _through_store_outage(lambda: _record_sent(message, at=sent_at, reason="", ctx=ctx))
    ctx.journal.settle(key, attempt)
    return 1


async def _give_back(message: Document, now: datetime, ctx: Context) -> None:
    """A claimed message not handed over goes back to `queued` once the store answers again, or
    it would stay `sending` until the reconciler finds it."""
    await _through_store_outage(
        lambda: ctx.messages.requeue(
            message["_id"], attempt=message["attempts"], not_before=now, reason="store unavailable"
        )
    )


async def _through_store_outage(write: Callable[[], Awaitable[None]]) -> None:
    """Write a claimed message's outcome, waiting out a store outage.

    A message left `sending` is never sent again (at most once), so an outcome lost to a store
    blip would strand it: a sent email without `notification.sent`, or a requeue that never
    happens. Every outcome write is idempotent (a no-op once the message is no longer `sending`),
    so repeating one whose reply was lost is harmless."""
    deadline = time.monotonic() + OUTCOME_PATIENCE_SECONDS
    while True:
        try:
            await write()
            return
        except ConnectionFailure as error:
            if time.monotonic() > deadline:
                raise
            log.warning("store unavailable; outcome not yet recorded", error=repr(error))
            await asyncio.sleep(OUTCOME_RETRY_SECONDS)


async def recover_handovers(ctx: Context) -> int:
    """Settle what this dispatcher's last run handed over but never recorded (it was killed): a
    row in its handover journal means the final dot went, so the message was sent; none means it
    did not, so it goes back to `queued` and is sent once. Returns how many were settled."""
    committed = ctx.journal.entries()
    settled = await ctx.messages.handed_over_by(ctx.journal.instance)
    for message in settled:
        key, attempt = message["_id"], message["attempts"]
        if committed.get(key) == attempt:
            log.info("recovered: the final dot went before the crash", key=key)
            reason = "sent just before a crash; the server's reply was not seen"
            await _record_sent(message, at=message["handed_over_at"], reason=reason, ctx=ctx)
        else:
            log.info("recovered: stopped before the final dot, queued again", key=key)
            await ctx.messages.requeue(
                key,
                attempt=attempt,
                not_before=ctx.clock(),
                reason="stopped after the hand-over was recorded, before the final dot: queued again",
            )
            ctx.wake()
    ctx.journal.forget(committed)
    return len(settled)


async def reconcile(ctx: Context, *, claim_stale_after: timedelta, stale_after: timedelta) -> int:
    """Deal with messages a crash left `sending`: those never handed over go back to `queued`,
    those handed over and not settled by their own dispatcher within `stale_after` become
    `unknown` and are never sent again."""
    now = ctx.clock()
    requeued = await ctx.messages.requeue_interrupted(
        claimed_before=now - claim_stale_after, now=now
    )
    if requeued:
        ctx.wake()
    return requeued + await ctx.messages.mark_unknown(sending_before=now - stale_after, now=now)


class ClaimLostError(Exception):
    """The message was given back (its claim had gone stale) before this dispatcher handed it over."""


def outgoing(message: Document, ctx: Context) -> Outgoing:
    recipient_hash = message["recipient_hash"]
    unsubscribe = ctx.links.url(recipient_hash=recipient_hash, person_id=message["person_id"])
    context = {
        "name": message["recipient_name"],
        **message["context"],
        "unsubscribe_url": unsubscribe,
        "my_url": ctx.my_url if message["person_id"] else "",
    }
    rendered = ctx.renderer.render(
        message["template"], language=message["language"], context=context
    )
    return Outgoing(
        key=message["_id"],
        to=message["recipient"],
        to_name=message["recipient_name"],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": rendered.language,
        },
        payload={"template": message["template"], **message["context"]},
    )


async def _within_cap(message: Document, now: datetime, ctx: Context) -> bool:
    since = policy.week_start(now, rules=ctx.invitation_rules)
    others = await ctx.messages.invitations_since(
        ctx.address_keys.digests_of(message), since, excluding=message["_id"]
    )
    return policy.within_cap(others, now, rules=ctx.invitation_rules)


async def _temporary(message: Document, reason: str, now: datetime, ctx: Context) -> None:
    wait = ctx.retry.after(message["attempts"])
    if wait is None:
        await _failed(message, reason, permanent=False, ctx=ctx)
        return
    log.warning("temporary failure; will retry", key=message["_id"], reason=reason, wait=wait)
    await ctx.messages.requeue(
        message["_id"], attempt=message["attempts"], not_before=now + wait, reason=reason
    )


async def _failed(message: Document, reason: str, *, permanent: bool, ctx: Context) -> None:
    now = ctx.clock()
    log.warning("message failed", key=message["_id"], reason=reason, permanent=permanent)
    if permanent:
        await ctx.suppressions.add(
            ctx.address_keys.digests_of(message),
            reason=BOUNCED,
            at=now,
            person_id=message["person_id"],
            detail=reason,
        )
    failed = NotificationFailed(
        producer=PRODUCER,
        correlation_id=message["correlation_id"] or message["cause_event_id"],
        causation_id=UUID(message["cause_event_id"]),
        data=NotificationFailedData(
            message_id=message["_id"],
            template=message["template"],
            channel=message["channel"],
            person_id=message["person_id"],
            cause_event_id=message["cause_event_id"],
            attempts=max(1, message["attempts"]),
            permanent=permanent,
            reason=reason[:500],
        ),
    )
    await ctx.messages.finish(
        message["_id"],
        attempt=message["attempts"],
        status=Status.FAILED,
        fields={"failed_at": now, "reason": reason, "permanent": permanent},
        events=[failed],
    )


async def _record_sent(message: Document, *, at: datetime, reason: str, ctx: Context) -> None:
    """`sent`, with `notification.sent`; what it was rendered from is dropped unless kept."""
    await ctx.messages.finish(
        message["_id"],
        attempt=message["attempts"],
        status=Status.SENT,
        fields={
            "sent_at": at,
            "reason": reason,
            **({} if ctx.keep_sent_context else {"context": {}}),
        },
        events=[_sent(message)],
    )


def _sent(message: Document) -> NotificationSent:
    return NotificationSent(
        producer=PRODUCER,
        correlation_id=message["correlation_id"] or message["cause_event_id"],
        causation_id=UUID(message["cause_event_id"]),
        data=NotificationSentData(
            message_id=message["_id"],
            template=message["template"],
            channel=message["channel"],
            person_id=message["person_id"],
            cause_event_id=message["cause_event_id"],
            attempts=message["attempts"],
        ),
    )
