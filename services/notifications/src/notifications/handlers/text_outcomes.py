"""What moderators decided about a story or thank-you sent by text, texted to its sender.

The outcome carries the `reply_ref` that `text.received` carried; the number behind it is texted
once (the text is keyed by the event, so a redelivery queues nothing new) and then forgotten.
"""

from together_contracts import StoryApproved, StoryRejected, ThanksApproved, ThanksRejected

from notifications.handlers.context import Context
from notifications.handlers.texts_out import queue_text

OUTCOME = "transactional"
"""The kind of an outcome text in the delivery log: the sender asked for it."""


async def text_outcome(
    event: StoryApproved | StoryRejected | ThanksApproved | ThanksRejected, ctx: Context
) -> None:
    reply_ref = event.data.reply_ref
    if reply_ref is None or ctx.text_senders is None:
        return
    sender = await ctx.text_senders.find(str(reply_ref))
    if sender is None:  # told already, erased, or kept past its time
        return
    await queue_text(
        ctx,
        to=sender.phone,
        template="reply_" + event.type.replace(".", "_"),
        language=sender.language,
        values={"public_url": event.data.public_url or ""},
        cause_id=str(event.id),
        kind=OUTCOME,
    )
    await ctx.text_senders.forget(sender.reply_ref)
