"""What a delivery channel (email over SMTP, webhooks) is given and what it may answer.

A channel either returns (accepted), or raises `TemporaryDeliveryError` (try again later) or
`PermanentDeliveryError` (never again to this address). The dispatcher sees only this.

Every channel has awaited `handing_over()` by its point of no return (for SMTP: with the whole
message on the server, before the final dot that commits it; the mark is written while the
transaction opens, so the connection does not wait for the two in turn), then calls `committing()`
immediately before the write that commits the message, with no await between the two. Until then a
crash sends nothing: the message goes back to the queue (`handlers.recovery`). If either raises
(`JournalError` when the handover journal cannot record the dot), nothing is sent.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

HandingOver = Callable[[], Awaitable[None]]
Committing = Callable[[], None]


@dataclass(frozen=True)
class Rendered:
    """A message's subject and bodies in the language it was rendered in."""

    subject: str
    text: str
    html: str
    language: str


@dataclass(frozen=True)
class Outgoing:
    """One rendered message for one recipient."""

    key: str
    to: str
    subject: str
    text: str
    html: str
    to_name: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    payload: dict[str, object] = field(default_factory=dict)
    """For machine channels (webhooks): the JSON body."""


class DeliveryError(Exception):
    def __init__(self, reason: str, *, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TemporaryDeliveryError(DeliveryError):
    """The receiver asked us to try again later (SMTP 4xx, HTTP 5xx, timeouts, refused connection)."""


class PermanentDeliveryError(DeliveryError):
    """The receiver refused for good (SMTP 5xx, HTTP 4xx): the address is suppressed."""


class JournalError(Exception):
    """The handover journal could not be read or written: the dot must not go."""
