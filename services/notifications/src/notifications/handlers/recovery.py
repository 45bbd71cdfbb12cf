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
"""

from datetime import timedelta

import structlog

from notifications.handlers.context import Context
from notifications.handlers.sending import record

log = structlog.get_logger("notifications.recovery")


async def recover_handovers(ctx: Context) -> int:
    """Settle what this dispatcher's last run handed over but never recorded (it was killed): a
    row in its handover journal means the final dot went, so the message was sent; none means it
    did not, so it goes back to `queued` and is sent once. Returns how many were settled."""
    committed = ctx.journal.entries()
    settled = await ctx.messages.handed_over_by(ctx.journal.instance)
    for message in settled:
        if committed.get(message.key) == message.attempts:
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
