"""Delivery channels behind one interface: email over SMTP, webhooks; others plug in here.

A channel either returns (accepted), or raises `TemporaryDeliveryError` (try again later) or
`PermanentDeliveryError` (never again to this address). Handlers and the dispatcher see only this.

Every channel awaits `handing_over()` at its point of no return, as late as it can (for SMTP: with
the whole message on the server, before the final dot that commits it), then calls `committing()`
immediately before the write that commits the message, with no await between the two. Until then a
crash loses nothing: the message was never handed over and is queued again. If either raises,
nothing is sent.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

HandingOver = Callable[[], Awaitable[None]]
Committing = Callable[[], None]


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


class Channel(Protocol):
    name: str

    async def send(
        self, message: Outgoing, *, handing_over: HandingOver, committing: Committing
    ) -> None: ...

    async def close(self) -> None: ...
