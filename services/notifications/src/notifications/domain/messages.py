"""A message in the delivery log: one per (cause event id, recipient, template), never two.

Life of a message: `queued` (intent recorded before anything is sent; may wait for `not_before`)
-> `sending` (claimed by one dispatcher) -> `sent`, or back to `queued` after a temporary failure,
or `failed` once temporary failures outlast their retries, or a permanent refusal. A message for a
suppressed address is recorded as `suppressed` and never sent. A message left in `sending` by a
crash is not sent again: the reconciler marks it `unknown` (see `Status.UNKNOWN`).
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
    """Left in `sending` by a crash: it may have gone out, so it is never sent again."""


FINAL = frozenset({Status.SENT, Status.FAILED, Status.SUPPRESSED, Status.UNKNOWN})


def normalise_address(address: str) -> str:
    return address.strip().lower()


def address_hash(address: str, *, key: bytes) -> str:
    """HMAC-SHA256 of the normalised address: suppressions and keys hold no address."""
    return hmac.new(key, normalise_address(address).encode(), hashlib.sha256).hexdigest()


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
