"""What signups does: one async function per command or event, given a `Context` of its ports."""

from signups.handlers.context import Context

__all__ = ["Context"]
