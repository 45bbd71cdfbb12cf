"""Who sent a story or thank-you by text: the number moderation's outcome is texted to."""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class TextSender:
    reply_ref: str
    """The opaque reference `text.received` carries instead of the number."""
    phone: str
    """E.164."""
    language: Literal["en", "cy"]
    """The language they were answered in, and are told the outcome in."""
