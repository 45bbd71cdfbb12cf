"""A message in the delivery log: one per (cause event id, recipient, template), never two.

Life of a message: `queued` (intent recorded before anything is sent; may wait for `not_before`,
as reminders wait for their moment) -> `sending` (claimed by one dispatcher) -> `sent`, or back to
`queued` after a temporary failure, or `failed` once temporary failures outlast their retries, or a
permanent refusal. A message for a suppressed address is recorded as `suppressed` and never sent
(also when the address is suppressed while it waits). A message a crash left in `sending` goes back
to `queued` if it was never handed to its channel, and otherwise becomes `unknown` (see
`Status.UNKNOWN`): it is never sent twice.

An invitation to a person who chose the weekly digest is recorded as `digest` instead of `queued`,
and ends `sent-in-digest` once the digest that gathers it is recorded. A waiting message that is no
longer wanted (a place given up, an event cancelled or moved) ends `cancelled`, with the reason.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    UNKNOWN = "unknown"
    """Left in `sending` by a crash after it was handed over: it may have gone out, so it is never
    sent again."""
    DIGEST = "digest"
    """An invitation held for the person's weekly digest."""
    IN_DIGEST = "sent-in-digest"
    """Gathered into a digest (its key is in `digest_key`); never sent on its own."""
    CANCELLED = "cancelled"
    """No longer wanted before it went (the reason says why); never sent."""


FINAL = frozenset(
    {
        Status.SENT,
        Status.FAILED,
        Status.SUPPRESSED,
        Status.UNKNOWN,
        Status.IN_DIGEST,
        Status.CANCELLED,
    }
)
WAITING = (Status.QUEUED, Status.DIGEST)
"""What may still be cancelled: nothing has been handed to a channel yet."""


def normalise_address(address: str) -> str:
    return address.strip().lower()


def address_hash(address: str, *, key: bytes) -> str:
    """HMAC-SHA256 of the normalised address: suppressions and keys hold no address."""
    return hmac.new(key, normalise_address(address).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AddressKeys:
    """The keys of address digests: `current` keys every digest written from now on; `older` are
    the keys earlier digests may have been written under, still looked for (newest first).

    Suppressions, message keys and the weekly cap are found by an address's digest, so a new key
    must not lose what was written under an old one: a suppressed address would be mailed again,
    a redelivered event mailed twice. Every lookup therefore tries each digest (`digests`), and
    every write uses the current one (`digest`)."""

    current: bytes
    older: tuple[bytes, ...] = ()

    def digest(self, address: str) -> str:
        """The digest to write under."""
        return address_hash(address, key=self.current)

    def digests(self, address: str) -> list[str]:
        """Every digest the address may be stored under, the current one first."""
        keys = dict.fromkeys((self.current, *self.older))
        return [address_hash(address, key=key) for key in keys]

    def digests_of(self, message: dict[str, Any]) -> list[str]:
        """Every digest of a logged message's address (only its own once the address is erased),
        the current one first."""
        stored = str(message["recipient_hash"])
        address = message.get("recipient")
        found = self.digests(address) if address else []
        return found if stored in found else [*found, stored]


def message_key(*, cause_event_id: str, recipient_hash: str, template: str) -> str:
    """The delivery log's `_id`, and (as `<key@domain>`) the email's Message-ID."""
    return hashlib.sha256(f"{cause_event_id}|{recipient_hash}|{template}".encode()).hexdigest()


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str = ""
    language: str = "en"
    person_id: str | None = None


@dataclass(frozen=True)
class MessageRequest:
    """What a handler asks for: who, which template, with what, because of which event."""

    cause_event_id: str
    template: str
    recipient: Recipient
    context: dict[str, Any] = field(default_factory=dict)
    channel: str = "email"
    kind: str = "transactional"
    """`transactional` (asked for, sent even after an unsubscribe) or `invitation` (policy applies)."""
    correlation_id: str = ""
    not_before: datetime | None = None
    event_id: str | None = None
    """The community event it is about, so it can be cancelled or moved with the event."""
    digest: bool = False
    """Hold it for the recipient's weekly digest instead of sending it on its own."""
    gathers: tuple[str, ...] = ()
    """For a digest: the keys of the invitations (or roster changes) it gathers."""
    mentions: tuple[str, ...] = ()
    """People (other than the recipient) the message names, so their erasure scrubs it too."""


@dataclass(frozen=True)
class RetryPlan:
    """Temporary failures: wait `first * 2^(attempt-1)` capped at `cap`, for `max_attempts` tries."""

    max_attempts: int
    first: timedelta
    cap: timedelta

    def after(self, attempt: int) -> timedelta | None:
        """How long to wait after failed attempt number `attempt`; None when none are left."""
        if attempt >= self.max_attempts:
            return None
        wait: timedelta = self.first * 2 ** (attempt - 1)
        return min(wait, self.cap)
