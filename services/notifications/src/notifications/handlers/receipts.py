"""Delivery receipts of texts: what the provider reports later of a text it took is recorded on
the message in the delivery log; a failure for good suppresses the number (domain.receipts)."""

import structlog

from notifications.domain import receipts
from notifications.domain.suppressions import BOUNCED
from notifications.domain.texts import Receipt
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.receipts")


async def record_receipt(receipt: Receipt, ctx: Context) -> bool:
    """Record the receipt on its text (found by our key, the text's reference); False when it
    names none in the log, or says only that the text is on its way."""
    if receipt.reference is None or receipt.status == "pending":
        return False
    message = await ctx.messages.record_receipt(
        receipt.reference, status=receipt.status, detail=receipt.detail, at=ctx.clock()
    )
    if message is None:
        log.info("receipt for a text not in the log", provider_id=receipt.provider_id)
        return False
    if receipts.permanent(receipt):
        log.warning("text failed for good; number suppressed", key=message.key)
        await ctx.suppressions.add(
            ctx.address_keys.digests_of(message),
            reason=BOUNCED,
            at=ctx.clock(),
            person_id=message.person_id,
            detail=f"provider receipt: {receipt.detail}",
        )
    return True
