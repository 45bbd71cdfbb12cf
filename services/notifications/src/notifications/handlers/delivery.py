"""Never twice: every message a handler asks for is first recorded as an intent.

`request` writes the message under its key (cause event id, recipient, template) as `queued` (or
`digest`, held for a weekly digest), or as `suppressed`, before anything is sent. A redelivered
event finds the key taken: no-op. Only invitations wait out quiet hours; anything may wait for its
own `not_before` (reminders wait for their moment). The dispatcher sends it (`handlers.sending`).
"""

from together_contracts.erasure import email_digest

from notifications.domain.messages import Message, MessageRequest, message_key
from notifications.handlers.context import Context


async def request(wanted: MessageRequest, ctx: Context) -> str:
    """Record one message to send (or why not); returns its key."""
    now = ctx.clock()
    digests = ctx.address_keys.digests(wanted.recipient.address)
    older_keys = [
        message_key(
            cause_event_id=wanted.cause_event_id, recipient_hash=d, template=wanted.template
        )
        for d in digests[1:]
    ]
    if recorded := await ctx.messages.first_recorded(older_keys):
        return recorded  # recorded under an older digest before: never twice
    message = Message.requested(
        wanted,
        recipient_hash=digests[0],
        email_digest=email_digest(wanted.recipient.address, key=ctx.erasure_key),
        now=now,
        rules=ctx.invitation_rules,
        suppression=await ctx.suppressions.reason(digests),
    )
    if await ctx.messages.record(message) and message.to_send:
        ctx.wake()
    return message.key
