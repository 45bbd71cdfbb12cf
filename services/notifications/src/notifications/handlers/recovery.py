"""What a crash leaves `sending` is settled, never sent twice.

The channel records its point of no return (`handed_over_at` and `handed_over_by`, written with
the whole message on the SMTP server, before the final dot that commits it), then writes a row to
this process's handover journal and the dot, with no await between them (`handlers.sending`).

`reconcile` gives a message that was claimed but never handed over back to `queued` (it was not
sent, so it is sent once). One handed over is settled by its own dispatcher when it restarts
(`recover_handovers`): a journal row means the dot went (`sent`), none means it did not (`queued`
again). If that dispatcher never returns, `reconcile` marks the message `unknown` after the stale
limit: it may have gone out, so it is never sent twice. The Message-ID is derived from the key, so
any manual resend is recognisable.

A text (channel `sms`) is one HTTP call to the provider, made just after its journal row: the row
says the call began, not that it arrived. So a text left handed over is settled by asking the
provider whether it holds a text with the message's key as reference (`SmsProvider.sent`): yes,
it was sent; no, it goes back to `queued` and is sent once; when the provider cannot tell (or
does not answer), the journal decides as for an email. A text whose dispatcher never came back
(its journal gone with its machine) is settled the same way by the reconciler after the stale
limit, instead of ending `unknown`, whenever the provider can tell.
"""

from datetime import datetime, timedelta

import structlog

from notifications.domain.contacts import SMS
from notifications.domain.messages import Message
from notifications.handlers.context import Context
from notifications.handlers.sending import record

log = structlog.get_logger("notifications.recovery")
SINCE_MARGIN = timedelta(minutes=2)
"""How far before the hand-over the provider's own clock may date a text."""


async def recover_handovers(ctx: Context) -> int:
    """Settle what this dispatcher's last run handed over but never recorded (it was killed): a
    row in its handover journal means the final dot went, so the message was sent; none means it
    did not, so it goes back to `queued` and is sent once. Returns how many were settled."""
    committed = ctx.journal.entries()
    settled = await ctx.messages.handed_over_by(ctx.journal.instance)
    for message in settled:
        went = await provider_has(message, ctx)
        if went is None:
            went = committed.get(message.key) == message.attempts
        await _settle(message, went=went, ctx=ctx)
    ctx.journal.forget(committed)
    return len(settled)


async def _settle(message: Message, *, went: bool, ctx: Context) -> None:
    if went:
        log.info("recovered: the final dot went before the crash", key=message.key)
        sent = message.sent(
            at=message.handed_over_at or ctx.clock(),
            reason="sent just before a crash; the server's reply was not seen",
            keep_context=ctx.keep_sent_context,
        )
        await record(sent, ctx)
    else:
        log.info("recovered: stopped before the final dot, queued again", key=message.key)
        again = message.requeue(
            not_before=ctx.clock(),
            reason="stopped after the hand-over was recorded, before the final dot: queued again",
        )
        await ctx.messages.requeue(again)
        ctx.wake()


async def provider_has(message: Message, ctx: Context) -> bool | None:
    """For a text: whether its provider got it (None when it cannot tell); None for the rest."""
    provider = ctx.sms_provider
    if message.channel != SMS or provider is None or not message.recipient:
        return None
    if message.handed_over_at is None:
        return None
    since = message.handed_over_at - SINCE_MARGIN
    try:
        return await provider.sent(message.key, to=message.recipient, since=since)
    except Exception as error:  # the provider is away: the journal decides
        log.warning("provider not asked about a text", key=message.key, error=repr(error))
        return None


async def reconcile(ctx: Context, *, claim_stale_after: timedelta, stale_after: timedelta) -> int:
    """Deal with messages a crash left `sending`: those never handed over go back to `queued`,
    those handed over and not settled by their own dispatcher within `stale_after` become
    `unknown` and are never sent again; but a text among them is first settled by asking its
    provider, when it can tell (its dispatcher's journal may be gone with its machine)."""
    now = ctx.clock()
    requeued = await ctx.messages.requeue_interrupted(
        claimed_before=now - claim_stale_after, now=now
    )
    if requeued:
        ctx.wake()
    texts = await _settle_stale_texts(ctx, sending_before=now - stale_after)
    return (
        requeued
        + texts
        + await ctx.messages.mark_unknown(sending_before=now - stale_after, now=now)
    )


async def _settle_stale_texts(ctx: Context, *, sending_before: datetime) -> int:
    if ctx.sms_provider is None:
        return 0
    settled = 0
    for message in await ctx.messages.handed_over_before(sending_before, channel=SMS):
        went = await provider_has(message, ctx)
        if went is not None:
            await _settle(message, went=went, ctx=ctx)
            settled += 1
    return settled
