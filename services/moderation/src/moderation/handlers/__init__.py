"""What moderation does: one async function per command or event, given a `Context` of its ports.

For the moderator UI: `decisions.claim`, `release`, `approve`, `reject`, `escalate`, `withdraw` and
`bulk_decide`; the queue is read with `ctx.items.queue(...)` and `ctx.items.counts(...)`.
"""

from moderation.handlers.context import Context

__all__ = ["Context"]
