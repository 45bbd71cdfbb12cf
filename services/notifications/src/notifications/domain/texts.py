"""Text messages (SMS): what a provider (GOV.UK Notify, Twilio, the local sink) is given and
answers, whichever it is. The SMS channel and the inbound routes see only this.

Sending: `send` hands one text over and returns the provider's id for it, or raises
`TemporaryDeliveryError` / `PermanentDeliveryError` (domain.channels). The text carries our
message key as its `reference`, so after a crash `sent` can ask the provider whether it got it:
a text is then settled as sent or queued again, never sent twice, never lost.

Receiving: the provider calls our routes (an inbound text, a delivery receipt); `inbound` and
`receipt` check the call is really the provider's (its signature or bearer token) and read it,
or raise `InvalidCallback`. Replies go out as ordinary messages, through the delivery log.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol


class InvalidCallback(Exception):  # noqa: N818 (a refused call, not an error of ours)
    """A call to an SMS route that is not the provider's (bad or missing signature) or that
    cannot be read: answered 403 or 400, and nothing is recorded."""


class UnreadableCallback(InvalidCallback):
    """A call whose body or fields cannot be read (answered 400); any other `InvalidCallback`
    is taken as not the provider's (403)."""


@dataclass(frozen=True)
class InboundText:
    """A text someone sent to the coalition's number."""

    provider_id: str
    """The provider's id of the message: the same text delivered twice is one."""
    sender: str
    """The sender's number, E.164 (+44…)."""
    body: str


@dataclass(frozen=True)
class Receipt:
    """What became of a text we sent, as the provider reports it later."""

    provider_id: str
    reference: str | None
    """Our message key, when the provider echoes it back."""
    status: Literal["delivered", "failed", "pending"]
    detail: str = ""


class SmsProvider(Protocol):
    name: str

    async def send(self, *, to: str, body: str, reference: str) -> str:
        """Hand one text to the provider; its id for the text."""
        ...

    async def sent(
        self, reference: str, *, to: str, since: datetime, body: str | None = None
    ) -> bool | None:
        """Whether the provider got a text with this reference (sent to `to` since `since`, with
        `body` when it is known; a provider that keeps no reference matches by it): asked after
        a crash. None when the provider cannot tell."""
        ...

    def inbound(self, *, url: str, headers: Mapping[str, str], body: bytes) -> InboundText:
        """The inbound text in a call to our inbound route, checked to be the provider's."""
        ...

    def receipt(self, *, url: str, headers: Mapping[str, str], body: bytes) -> Receipt:
        """The delivery receipt in a call to our receipts route, checked to be the provider's."""
        ...

    async def close(self) -> None: ...
