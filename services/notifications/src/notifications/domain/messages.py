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

Every allowed move is in `MOVES`. `Message` holds one entry and makes the moves of the dispatcher
holding it (`hand_over`, `sent`, `failed`, `suppress`, `requeue`); the store makes the others
atomically, on any number of messages at once (claiming, reconciling, cancelling, gathering into a
digest), guarded by the states named here (`CLAIMABLE`, `WAITING`, `OUTCOME_PENDING`).
"""

import hashlib
import hmac
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from notifications.domain.policy import InvitationRules, send_at
from notifications.domain.suppressions import blocks


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
CLAIMABLE = Status.QUEUED
"""What a dispatcher may claim (`sending`), once its `not_before` has come."""
OUTCOME_PENDING = frozenset({Status.SENDING, Status.UNKNOWN})
"""States in which the dispatcher that claimed a message may still record what became of it:
`sending`, or `unknown` (the reconciler's guess about a message whose outcome waited out a store
outage longer than the stale limit; the dispatcher knows better)."""
INVITATION = "invitation"
"""The kind of message held to quiet hours and the weekly cap (domain.policy)."""


MOVES: dict[Status, frozenset[Status]] = {
    Status.QUEUED: frozenset({Status.SENDING, Status.CANCELLED}),
    Status.DIGEST: frozenset({Status.IN_DIGEST, Status.QUEUED, Status.CANCELLED}),
    Status.SENDING: frozenset(
        {Status.SENT, Status.FAILED, Status.SUPPRESSED, Status.QUEUED, Status.UNKNOWN}
    ),
    Status.UNKNOWN: frozenset({Status.SENT, Status.FAILED, Status.SUPPRESSED, Status.QUEUED}),
}
"""Where a message may go from each state: claimed (`sending`) or cancelled while it waits; from a
claim, to an outcome, back to `queued`, or to `unknown` when its dispatcher never came back (who
may still settle it). A held invitation is gathered into a digest, released, or cancelled. Every
other state is final."""


class TransitionError(Exception):
    """A message was asked to move from a state that does not allow it."""


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

    def digests_of(self, message: "Message") -> list[str]:
        """Every digest of a logged message's address (only its own once the address is erased),
        the current one first."""
        stored = message.recipient_hash
        found = self.digests(message.recipient) if message.recipient else []
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


class Due(NamedTuple):
    """A message due to be sent: its key, and whom it is for (one at a time per address)."""

    key: str
    recipient_hash: str


class Recorded(NamedTuple):
    """A message found recorded before: its key, and whether its person was erased since."""

    key: str
    erased: bool = False


@dataclass(frozen=True)
class Message:
    """One entry of the delivery log: what to send, to whom, and what has become of it. Each
    transition returns the message as it becomes; the store writes it (`MessageRepository`)."""

    key: str
    """(`_id`) from the cause event, the recipient's digest and the template (`message_key`)."""
    cause_event_id: str
    template: str
    recipient_hash: str
    status: Status
    queued_at: datetime
    not_before: datetime
    correlation_id: str = ""
    channel: str = "email"
    kind: str = "transactional"
    recipient: str = ""
    """The address; empty once the person was erased."""
    email_digest: str = ""
    """The keyed digest of the address every service shares, by which erasure finds it."""
    recipient_name: str = ""
    language: str = "en"
    person_id: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    """What the message is rendered from; dropped once sent (unless kept for the dev page)."""
    reason: str = ""
    attempts: int = 0
    event_id: str | None = None
    gathers: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    sending_at: datetime | None = None
    handed_over_at: datetime | None = None
    """The point of no return: set just before the channel commits the message."""
    handed_over_by: str = ""
    """Whose handover journal knows whether the final dot went."""
    sent_at: datetime | None = None
    failed_at: datetime | None = None
    permanent: bool = False
    unknown_at: datetime | None = None
    cancelled_at: datetime | None = None
    gathered_at: datetime | None = None
    digest_key: str | None = None
    erased: bool = False
    receipt: str = ""
    """What the provider later reported of a text it took (`delivered`, `failed`), or ""."""
    receipt_detail: str = ""
    """The provider's own word for it (`permanent-failure`, `undelivered 30005`)."""

    @classmethod
    def requested(
        cls,
        wanted: MessageRequest,
        *,
        recipient_hash: str,
        email_digest: str,
        now: datetime,
        rules: InvitationRules,
        suppression: str | None,
    ) -> "Message":
        """The intent, recorded before anything is sent: `queued` (an invitation out of quiet
        hours), `digest` when held for the weekly digest, or `suppressed` when the address is."""
        recipient = wanted.recipient
        not_before = wanted.not_before or now
        if wanted.kind == INVITATION:
            not_before = send_at(max(not_before, now), rules=rules)
        suppressed = suppression is not None and blocks(suppression, kind=wanted.kind)
        status = Status.DIGEST if wanted.digest else Status.QUEUED
        return cls(
            key=message_key(
                cause_event_id=wanted.cause_event_id,
                recipient_hash=recipient_hash,
                template=wanted.template,
            ),
            cause_event_id=wanted.cause_event_id,
            correlation_id=wanted.correlation_id,
            template=wanted.template,
            channel=wanted.channel,
            kind=wanted.kind,
            recipient=recipient.address,
            recipient_hash=recipient_hash,
            email_digest=email_digest,
            recipient_name=recipient.name,
            language=recipient.language,
            person_id=recipient.person_id,
            context=wanted.context,
            status=Status.SUPPRESSED if suppressed else status,
            reason=f"address suppressed: {suppression}" if suppressed else "",
            queued_at=now,
            not_before=not_before,
            event_id=wanted.event_id,
            gathers=wanted.gathers,
            mentions=wanted.mentions,
        )

    @property
    def to_send(self) -> bool:
        """Queued to go on its own (not held, not suppressed): the dispatcher should look."""
        return self.status is Status.QUEUED

    def claimed(self, *, at: datetime) -> "Message":
        """Claimed by the dispatcher that will send it (`queued` -> `sending`), counting the
        attempt: what the store's claim does, for a message recorded already claimed."""
        self._may_go(Status.SENDING)
        return replace(self, status=Status.SENDING, sending_at=at, attempts=self.attempts + 1)

    def hand_over(self, *, at: datetime, by: str) -> "Message":
        """The point of no return of this claim: from here a crash may have sent it."""
        if self.status is not Status.SENDING or self.handed_over_at is not None:
            raise TransitionError(f"message {self.key} is not a claim to hand over")
        return replace(self, handed_over_at=at, handed_over_by=by)

    def sent(self, *, at: datetime, reason: str = "", keep_context: bool = False) -> "Message":
        """Accepted by its channel; what it was rendered from goes, unless kept."""
        self._may_go(Status.SENT)
        context = self.context if keep_context else {}
        return replace(self, status=Status.SENT, sent_at=at, reason=reason, context=context)

    def failed(self, *, at: datetime, reason: str, permanent: bool) -> "Message":
        """Refused for good, or temporary failures outlasted the retries."""
        self._may_go(Status.FAILED)
        return replace(self, status=Status.FAILED, failed_at=at, reason=reason, permanent=permanent)

    def suppress(self, reason: str) -> "Message":
        """Its address was suppressed while it waited: it never goes."""
        self._may_go(Status.SUPPRESSED)
        return replace(self, status=Status.SUPPRESSED, reason=reason)

    def requeue(self, *, not_before: datetime, reason: str) -> "Message":
        """Given back by the dispatcher holding it, not sent: to go again from `not_before`."""
        if self.status not in OUTCOME_PENDING:  # a held invitation is released by the store
            raise TransitionError(f"message {self.key} is {self.status}, not a claim to give back")
        return replace(self, status=Status.QUEUED, not_before=not_before, reason=reason)

    def _may_go(self, status: Status) -> None:
        if status not in MOVES.get(self.status, ()):
            raise TransitionError(f"message {self.key} cannot go from {self.status} to {status}")
