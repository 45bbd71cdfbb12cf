"""The dispatcher's work: claim each due message, send it, record what became of it.

1. `send_one` claims a due message (`queued` -> `sending`, atomically, so one dispatcher wins),
   ends it `suppressed` if the address was suppressed while it waited, holds an invitation over
   the weekly cap (only invitations count) until next week, renders it and hands it to its
   channel, then records `sent` with `notification.sent`.
2. A temporary failure puts it back to `queued` with a later `not_before` (exponential backoff);
   when the tries run out, or on a permanent failure, it ends `failed` with `notification.failed`,
   and a permanent failure suppresses the address.
3. The channel records its point of no return (`Message.hand_over`: with the whole message on the
   SMTP server, before the final dot that commits it), then writes a row to this process's
   handover journal and the dot, with no await between them. What a crash leaves behind is
   settled by `handlers.recovery`.
   A message recorded already claimed by this process (`handlers.delivery`) starts at
   `send_claimed`: its suppression was read just before its insert, and it is no invitation.
4. A store outage after the claim is not a crash: the outcome (or, before the hand-over, giving
   the message back to `queued`) is retried until the store answers again. If that took longer
   than the stale limit and the reconciler meanwhile guessed `unknown`, the dispatcher's outcome
   still lands: it holds the claim's attempt, and what it knows beats the guess.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from uuid import UUID

import structlog
from pymongo.errors import ConnectionFailure
from together_contracts import IntegrationEvent
from together_contracts.notifications import (
    NotificationFailed,
    NotificationFailedData,
    NotificationSent,
    NotificationSentData,
)

from notifications.domain import policy
from notifications.domain.channels import (
    JournalError,
    Outgoing,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)
from notifications.domain.contacts import SMS
from notifications.domain.messages import INVITATION, Due, Message, Status
from notifications.domain.suppressions import BOUNCED, blocks
from notifications.handlers.context import PRODUCER, Context

log = structlog.get_logger("notifications.sending")
BATCH = 50
CLAIMED_AHEAD = 16
"""Lines whose first messages are claimed together, ahead of the places that send them."""
OUTCOME_RETRY_SECONDS = 1.0
OUTCOME_PATIENCE_SECONDS = 300.0
"""How long a claimed message's outcome is retried through a store outage before giving up."""


async def dispatch_due(ctx: Context, *, places: asyncio.Semaphore | None = None) -> int:
    """Send every message that is due now, `ctx.senders` at a time (or as `places`, shared with
    the consumer's sends, allow); returns how many were attempted. A store outage ends the pass
    once the messages in flight are settled."""
    places = places or asyncio.Semaphore(ctx.senders)
    attempted = 0
    while due := await ctx.messages.due(ctx.clock(), limit=BATCH):
        attempted += await _send_all(due, ctx, places)
        if len(due) < BATCH:
            break
    return attempted


def by_address(due: Sequence[Due]) -> list[list[Due]]:
    """`due` cut into one line per address, each in order: a line's messages go one after
    another (the weekly cap of one must see the other, and nobody gets two at once), different
    lines' at once."""
    lines: dict[str, list[Due]] = {}
    for item in due:
        lines.setdefault(item.recipient_hash, []).append(item)
    return list(lines.values())


async def _send_all(due: Sequence[Due], ctx: Context, places: asyncio.Semaphore) -> int:
    """Each address's line sent in order, one message in flight per place at any moment (a
    place freed is taken by the next message at once, not when a whole group is done).

    The lines' first messages are claimed `CLAIMED_AHEAD` at a time, and their suppressions read
    in one query (`_claim_ahead`): the next group is claimed while one is being sent, so the
    places do not wait for its claims and reads (their claims are handed over within moments,
    far inside `claim_stale_seconds`); a line's later messages are claimed each once the one
    before it is done, as the weekly cap must see it."""
    lines = by_address(due)
    groups = [lines[start : start + CLAIMED_AHEAD] for start in range(0, len(lines), CLAIMED_AHEAD)]
    attempted = 0
    claiming = _claiming(groups[0], ctx) if groups else None
    for index, group in enumerate(groups):
        assert claiming is not None
        ahead = await claiming
        claiming = _claiming(groups[index + 1], ctx) if index + 1 < len(groups) else None
        try:
            attempted += await _send_lines(group, ahead, ctx, places)
        except Exception:
            if claiming is not None:
                await _give_back_all(claiming, ctx)
            raise
        except BaseException:  # stopping: claims on their way are the reconciler's to give back
            if claiming is not None:
                claiming.cancel()
            raise
    return attempted


def _claiming(lines: list[list[Due]], ctx: Context) -> "asyncio.Future[_Claimed]":
    return asyncio.ensure_future(_claim_ahead([line[0].key for line in lines], ctx.clock(), ctx))


async def _give_back_all(claiming: "asyncio.Future[_Claimed]", ctx: Context) -> None:
    """The messages of a group claimed ahead that the pass will not send, back to `queued`."""
    try:
        claimed = await claiming
    except Exception:  # its claim failed: `_claim_ahead` gave back what it had claimed
        return
    for unsent in claimed.ready.values():
        await _give_back(unsent, claimed.now, ctx)


async def _send_lines(
    lines: list[list[Due]], ahead: "_Claimed", ctx: Context, places: asyncio.Semaphore
) -> int:
    now, ready, settled = ahead.now, ahead.ready, ahead.settled
    failures: list[BaseException] = []

    async def send_line(line: list[Due]) -> int:
        attempted = 0
        for position, item in enumerate(line):
            place = Place(places)
            await place.take()
            try:
                if failures:
                    break
                if position > 0:
                    attempted += await send_one(item.key, ctx, place=place)
                elif (claimed := ready.pop(item.key, None)) is not None:
                    attempted += await send_claimed(claimed, ctx, now=now, place=place)
                elif item.key not in settled:
                    break  # another dispatcher's: it goes on with this address's line
            except Exception as error:
                failures.append(error)
                break
            finally:
                place.free()
        return attempted

    attempted = sum(await asyncio.gather(*(send_line(line) for line in lines)))
    if failures:
        for unsent in ready.values():  # claimed, but the pass stopped before they went
            await _give_back(unsent, now, ctx)
        raise failures[0]
    return attempted


class _Claimed(NamedTuple):
    now: datetime
    """When they were claimed."""
    ready: dict[str, Message]
    """Claimed ahead and to be sent, by key."""
    settled: frozenset[str]
    """Claimed and settled without sending: suppressed, or held by the weekly cap."""


async def _claim_ahead(keys: Sequence[str], now: datetime, ctx: Context) -> _Claimed:
    """The messages of `keys` claimed here, in one write, their suppressions read in one query
    after it; those suppressed or over the weekly cap are settled here, all at once
    (`_settle_before_sending`; each is a different address's, so no cap check waits on
    another's)."""
    claimed = await ctx.messages.claim_all(keys, now=now)
    try:
        reasons = await ctx.suppressions.reasons(
            [ctx.address_keys.digests_of(message) for message in claimed]
        )
        to_send = await asyncio.gather(
            *(
                _settle_before_sending(message, reason, now, ctx)
                for message, reason in zip(claimed, reasons, strict=True)
            )
        )
    except ConnectionFailure:
        for message in claimed:
            await _give_back(message, now, ctx)
        raise
    decided = list(zip(claimed, to_send, strict=True))
    return _Claimed(
        now=now,
        ready={message.key: message for message, go in decided if go},
        settled=frozenset(message.key for message, go in decided if not go),
    )


async def send_one(key: str, ctx: Context, *, place: "Place | None" = None) -> int:
    now = ctx.clock()
    claimed = await ctx.messages.claim(key, now=now)
    if claimed is None:
        return 0
    try:
        suppression = await ctx.suppressions.reason(ctx.address_keys.digests_of(claimed))
        if not await _settle_before_sending(claimed, suppression, now, ctx):
            return 0
    except ConnectionFailure:
        await _give_back(claimed, now, ctx)
        raise
    return await send_claimed(claimed, ctx, now=now, place=place)


async def _settle_before_sending(
    claimed: Message, suppression: str | None, now: datetime, ctx: Context
) -> bool:
    """Whether a claimed message is to be sent now: one whose address was suppressed while it
    waited ends `suppressed`, an invitation over the weekly cap waits for next week."""
    if suppression is not None and blocks(suppression, kind=claimed.kind):
        reason = f"address suppressed while waiting: {suppression}"
        await ctx.messages.finish(claimed.suppress(reason), events=[])
        return False
    if claimed.kind == INVITATION and not await _within_cap(claimed, now, ctx):
        rules = ctx.rules_for(claimed.channel)
        next_week = policy.week_start(now, rules=rules) + timedelta(days=7)
        not_before = policy.send_at(next_week, rules=rules)
        await ctx.messages.requeue(
            claimed.requeue(not_before=not_before, reason="weekly cap reached")
        )
        return False
    return True


async def send_claimed(
    claimed: Message, ctx: Context, *, now: datetime, place: "Place | None" = None
) -> int:
    """Hand a message this process holds the claim of to its channel and record the outcome;
    what stops it before the point of no return gives it back. Returns 1 if it was attempted.
    `place`, the sending place the message holds, is freed once the channel is done with it,
    before the outcome is written."""
    key = claimed.key
    channel = ctx.channels[claimed.channel]
    attempt = claimed.attempts

    async def handing_over() -> None:
        handed = claimed.hand_over(at=ctx.clock(), by=ctx.journal.instance)
        if not await ctx.messages.mark_handed_over(handed):
            raise ClaimLostError(key)

    def committing() -> None:
        ctx.journal.committing(key, attempt)

    settled: Message
    try:
        try:
            await channel.send(
                outgoing(claimed, ctx), handing_over=handing_over, committing=committing
            )
        finally:
            if place is not None:
                place.free()
    except ClaimLostError:
        log.warning("claim lost before hand-over; another dispatcher has the message", key=key)
        return 0
    except (ConnectionFailure, JournalError):  # the point of no return was not recorded: not sent
        await _give_back(claimed, now, ctx)
        raise
    except TemporaryDeliveryError as failure:
        settled = _after_temporary_failure(claimed, failure.reason, now, ctx)
    except PermanentDeliveryError as failure:
        settled = claimed.failed(at=ctx.clock(), reason=failure.reason, permanent=True)
    else:
        settled = claimed.sent(at=ctx.clock(), keep_context=ctx.keep_sent_context)
    await _through_store_outage(lambda: record(settled, ctx))
    ctx.journal.settle(key, attempt)
    return 1


async def record(message: Message, ctx: Context) -> None:
    """Write what the dispatcher holding the message made of it: back to `queued`, or its outcome
    with the event that tells it (a permanent failure also suppresses the address). Repeating it
    is harmless: once the message is no longer the claim's, nothing changes."""
    if message.status is Status.QUEUED:
        await ctx.messages.requeue(message)
        return
    if message.status is Status.FAILED:
        log.warning(
            "message failed", key=message.key, reason=message.reason, permanent=message.permanent
        )
        if message.permanent:
            await ctx.suppressions.add(
                ctx.address_keys.digests_of(message),
                reason=BOUNCED,
                at=message.failed_at or ctx.clock(),
                person_id=message.person_id,
                detail=message.reason,
            )
    await ctx.messages.finish(message, events=_told(message))


class Place:
    """One of the sending places (`Dispatcher`: one per SMTP connection), taken for a message
    before its claim (a line's first message, claimed a group ahead, before it goes) and freed
    once, as soon as its channel is done with it: the outcome's write comes after, so the next
    message's transaction does not wait for it."""

    def __init__(self, places: asyncio.Semaphore, *, held: bool = False) -> None:
        self._places = places
        self._held = held

    async def take(self) -> None:
        await self._places.acquire()
        self._held = True

    def free(self) -> None:
        if self._held:
            self._held = False
            self._places.release()


class ClaimLostError(Exception):
    """The message was given back (its claim had gone stale) before this dispatcher handed it over."""


def outgoing(message: Message, ctx: Context) -> Outgoing:
    unsubscribe = ctx.links.url(recipient_hash=message.recipient_hash, person_id=message.person_id)
    context = {
        "name": message.recipient_name,
        **message.context,
        "unsubscribe_url": unsubscribe,
        "my_url": ctx.my_url if message.person_id else "",
    }
    renderer = ctx.text_renderer if message.channel == SMS and ctx.text_renderer else ctx.renderer
    rendered = renderer.render(message.template, language=message.language, context=context)
    return Outgoing(
        key=message.key,
        to=message.recipient,
        to_name=message.recipient_name,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": rendered.language,
        },
        payload={"template": message.template, **message.context},
    )


async def _within_cap(message: Message, now: datetime, ctx: Context) -> bool:
    rules = ctx.rules_for(message.channel)
    since = policy.week_start(now, rules=rules)
    others = await ctx.messages.invitations_since(
        ctx.address_keys.digests_of(message), since, excluding=message.key
    )
    return policy.within_cap(others, now, rules=rules)


async def _give_back(claimed: Message, now: datetime, ctx: Context) -> None:
    """A claimed message not handed over goes back to `queued` once the store answers again, or
    it would stay `sending` until the reconciler finds it."""
    given_back = claimed.requeue(not_before=now, reason="store unavailable")
    await _through_store_outage(lambda: ctx.messages.requeue(given_back))


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


def _after_temporary_failure(claimed: Message, reason: str, now: datetime, ctx: Context) -> Message:
    """Queued again after the retry plan's wait, or failed when no tries are left."""
    wait = ctx.retry.after(claimed.attempts)
    if wait is None:
        return claimed.failed(at=ctx.clock(), reason=reason, permanent=False)
    log.warning("temporary failure; will retry", key=claimed.key, reason=reason, wait=wait)
    return claimed.requeue(not_before=now + wait, reason=reason)


def _told(message: Message) -> list[IntegrationEvent]:
    """The event that tells a message's outcome: `notification.sent` or `.failed`, or none."""
    envelope: dict[str, Any] = {
        "producer": PRODUCER,
        "correlation_id": message.correlation_id or message.cause_event_id,
        "causation_id": UUID(message.cause_event_id),
    }
    about: dict[str, Any] = {
        "message_id": message.key,
        "template": message.template,
        "channel": message.channel,
        "person_id": message.person_id,
        "cause_event_id": message.cause_event_id,
    }
    if message.status is Status.SENT:
        sent = NotificationSentData(**about, attempts=message.attempts)
        return [NotificationSent(**envelope, data=sent)]
    if message.status is Status.FAILED:
        failed = NotificationFailedData(
            **about,
            attempts=max(1, message.attempts),
            permanent=message.permanent,
            reason=message.reason[:500],
        )
        return [NotificationFailed(**envelope, data=failed)]
    return []
