"""What notifications does: one async function per command or event, given a `Context` of its ports."""

from notifications.handlers.context import Context
from notifications.handlers.people import forget_person, record_registration

__all__ = ["Context", "forget_person", "record_registration"]
