"""A person who joined as a volunteer: details, double opt-in, consents, rejoining.

Only the owner of an address changes what we hold about it. A join for an address we know
changes nothing at once: different details wait as the person's pending change until the link
emailed to that address is followed (`confirm_change`).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from together_contracts import Availability, Channel, Consent, IntegrationEvent, Interest, Language

CONFIRMATION_RESEND_AFTER = timedelta(minutes=10)
PENDING_PURGED_AFTER = timedelta(days=30)
PENDING_CHANGE_KEPT_FOR = timedelta(days=7)
"""As long as the link that confirms a change works; then the change is dropped."""
CHANGE_LINK_SOURCE = "change-link"
"""The consent log's source for what a confirmed "confirm these changes" link applied."""
TEXT_REPLY_SOURCE = "sms-reply"
"""The consent log's source for texts stopped by a reply, followed by the word: `sms-reply:STOP`."""


class ChannelConsent(StrEnum):
    """What the consent log keeps beside the email consents (`Consent`): agreeing to be texted,
    given by choosing text as a channel."""

    TEXTS = "texts"


Logged = Consent | ChannelConsent
"""Whatever a consent record is about."""


class EmailAlreadyRegisteredError(Exception):
    """Another request created a person with this email first."""


class PersonNotFoundError(LookupError):
    pass


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"


class ConfirmOutcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already-confirmed"
    INVALID = "invalid"

    @classmethod
    def following(cls, nonce: str, *, confirmed: bool, expected: str | None) -> "ConfirmOutcome":
        """What a confirmation link carrying `nonce` does to an address, `confirmed` already or
        waiting for the `expected` nonce."""
        if confirmed:
            return cls.ALREADY_CONFIRMED
        if nonce != expected:
            return cls.INVALID
        return cls.CONFIRMED


@dataclass(frozen=True)
class ChangeFollowed:
    """What following the link of a pending change did, for the events it tells."""

    outcome: ConfirmOutcome
    contact_changed: bool = False
    """The name or the language changed: emails to the person are written differently."""
    channels_changed: bool = False
    """The phone or the channels changed: notifications reaches the person differently."""
    first_confirmation: bool = False
    """It confirmed the address too: told as the volunteer's confirmation, not as an update."""


class Mail(StrEnum):
    """The email a join asks signups to send to its address."""

    CONFIRM_ADDRESS = "confirm-address"
    CONFIRM_CHANGE = "confirm-change"


@dataclass(frozen=True)
class VolunteerDetails:
    """What the join form or the API says about a volunteer, already validated and normalised."""

    name: str
    email: str | None
    """None only for someone staff signed up with a UK mobile alone (`Person.witnessed`)."""
    postcode: str
    outward_code: str
    travel_radius_km: int
    language: Language = "en"
    phone: str | None = None
    interests: tuple[Interest, ...] = ()
    availability: tuple[Availability, ...] = ()
    consents: frozenset[Consent] = frozenset()
    connector: bool = False
    channels: tuple[Channel, ...] = ("email",)
    """How they hear of invitations, reminders and changes: email, text ("sms") or both; none
    once texts, their only channel, were stopped by a reply."""

    @property
    def agreed(self) -> frozenset[Logged]:
        """Everything the consent log tracks as given: the email consents, and texts."""
        texts = {ChannelConsent.TEXTS} if "sms" in self.channels else set()
        return frozenset({*self.consents, *texts})


@dataclass(frozen=True)
class ConsentRecord:
    """Evidence of one consent given or withdrawn: what, on which form version, when, from where."""

    consent: Logged
    granted: bool
    form_version: str
    source: str
    at: datetime


@dataclass(frozen=True)
class JoinContext:
    now: datetime
    source: str
    form_version: str


@dataclass(frozen=True)
class PendingChange:
    """Details given by a later join, waiting for the address's owner to confirm them."""

    details: VolunteerDetails
    requested_at: datetime
    source: str
    form_version: str
    nonce: str = field(default_factory=lambda: uuid4().hex)


@dataclass
class Person:
    details: VolunteerDetails
    joined_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: Status = Status.PENDING
    confirmed_at: datetime | None = None
    confirmation_sent_at: datetime | None = None
    confirmation_nonce: str | None = field(default_factory=lambda: uuid4().hex)
    consent_log: list[ConsentRecord] = field(default_factory=list)
    pending_change: PendingChange | None = None
    applied_change_nonce: str | None = None
    sign_in_nonce: str | None = None
    """The nonce of the sign-in links emailed and not yet used: the first one used spends them all."""
    reach_chosen_at: datetime | None = None
    """When they last chose how to hear from us (on My together, by replying to a text, STOP
    included, in a change whose link they followed, or through staff): a reply sent before that
    is not applied, since replies and choices can reach signups out of order."""
    version: int = 0

    @classmethod
    def join(cls, details: VolunteerDetails, context: JoinContext) -> "Person":
        person = cls(details=details, joined_at=context.now)
        person.consent_log = _consent_changes(frozenset(), details.agreed, context)
        return person

    @classmethod
    def witnessed(cls, details: VolunteerDetails, context: JoinContext) -> "Person":
        """Someone staff signed up from a paper form or a phone call (assisted entry): with an
        email, pending as any join (the address's owner confirms it); with only a mobile,
        confirmed at once, since the staff member witnessed the consents (`context.source`)."""
        person = cls.join(details, context)
        if details.email is None:
            person.status = Status.CONFIRMED
            person.confirmed_at = context.now
            person.confirmation_nonce = None
        else:
            person.confirmation_sent(context.now)
        return person

    def witnessed_again(self, details: VolunteerDetails, context: JoinContext) -> bool:
        """Staff entered this mobile-only person again: the staff member witnessed the new
        details, so they apply at once, with the consents they give or withdraw logged. Returns
        whether anything changed."""
        self._chose_reach(context.now)
        if details == self.details:
            return False
        self.consent_log.extend(_consent_changes(self.details.agreed, details.agreed, context))
        self.details = details
        return True

    @property
    def confirmed(self) -> bool:
        return self.status is Status.CONFIRMED

    def should_send_confirmation(self, now: datetime) -> bool:
        """Unconfirmed, and no confirmation email in the last ten minutes."""
        if self.confirmed:
            return False
        last = self.confirmation_sent_at
        return last is None or now - last >= CONFIRMATION_RESEND_AFTER

    def confirmation_sent(self, now: datetime) -> None:
        self.confirmation_sent_at = now

    def rejoin(self, details: VolunteerDetails, context: JoinContext) -> Mail | None:
        """Someone joined again with this address: what they sent changes nothing yet.

        The same details again ask for the confirmation link anew while the address is
        unconfirmed (at most once per ten minutes). Different details become the pending change,
        replacing any earlier one (whose link stops working), and ask for the link that confirms
        them, unless the same change was asked for in the last ten minutes. Returns the email to
        send, if any.
        """
        if details == self.details:
            if not self.should_send_confirmation(context.now):
                return None
            self.confirmation_sent(context.now)
            return Mail.CONFIRM_ADDRESS
        pending = self.pending_change
        if (
            pending is not None
            and pending.details == details
            and context.now - pending.requested_at < CONFIRMATION_RESEND_AFTER
        ):
            return None
        self.pending_change = PendingChange(
            details=details,
            requested_at=context.now,
            source=context.source,
            form_version=context.form_version,
        )
        return Mail.CONFIRM_CHANGE

    def would_confirm_change(self, nonce: str) -> ConfirmOutcome:
        """What following the link for the pending change with `nonce` would do, without doing
        it: only the latest change's link works, and once only."""
        pending = self.pending_change
        if pending is not None and nonce == pending.nonce:
            return ConfirmOutcome.CONFIRMED
        if nonce and nonce == self.applied_change_nonce:
            return ConfirmOutcome.ALREADY_CONFIRMED
        return ConfirmOutcome.INVALID

    def confirm_change(self, nonce: str, now: datetime) -> ConfirmOutcome:
        """The address's owner followed the link for the pending change: apply it, log the consents
        it gives or withdraws as given through the link, and confirm the address if it was not."""
        pending = self.pending_change
        outcome = self.would_confirm_change(nonce)
        if pending is None or outcome is not ConfirmOutcome.CONFIRMED:
            return outcome
        context = JoinContext(now=now, source=CHANGE_LINK_SOURCE, form_version=pending.form_version)
        self.consent_log.extend(
            _consent_changes(self.details.agreed, pending.details.agreed, context)
        )
        self.details = pending.details
        self._chose_reach(pending.requested_at)
        self.pending_change = None
        self.applied_change_nonce = pending.nonce
        if not self.confirmed:
            self.status = Status.CONFIRMED
            self.confirmed_at = now
            self.confirmation_nonce = None
        return ConfirmOutcome.CONFIRMED

    def follow_change_link(self, nonce: str, now: datetime) -> ChangeFollowed:
        """`confirm_change`, saying also what the others must be told of it."""
        was_confirmed = self.confirmed
        contact, reach = self.contact, self.reach
        outcome = self.confirm_change(nonce, now)
        if outcome is not ConfirmOutcome.CONFIRMED:
            return ChangeFollowed(outcome)
        return ChangeFollowed(
            outcome,
            contact_changed=self.contact != contact,
            channels_changed=self.reach != reach,
            first_confirmation=not was_confirmed,
        )

    @property
    def contact(self) -> tuple[str, Language]:
        """How emails address the person: by their name, in their language."""
        return self.details.name, self.details.language

    @property
    def reach(self) -> tuple[str | None, tuple[Channel, ...]]:
        """How invitations, reminders and changes reach the person: their phone and channels."""
        return self.details.phone, self.details.channels

    def choose_channels(
        self, channels: tuple[Channel, ...], phone: str | None, context: JoinContext
    ) -> bool:
        """The signed-in volunteer chose how to hear from us: it applies at once, and to a change
        still waiting for its link too (so following that link does not undo it); choosing or
        dropping text is logged as texts agreed to or withdrawn. Returns whether it changed
        anything."""
        self._chose_reach(context.now)
        chosen = replace(self.details, channels=channels, phone=phone)
        if chosen == self.details:
            return False
        self.consent_log.extend(_consent_changes(self.details.agreed, chosen.agreed, context))
        self.details = chosen
        self._pending_reach(channels, phone)
        return True

    def stop_texts(self, keyword: str, *, at: datetime, form_version: str) -> bool:
        """They replied STOP (or another opt-out word) to a text: text is no longer one of their
        channels, nor of a change waiting for its link. Logged with the word as its source
        (`sms-reply:STOP`); returns False when texts were already off (a second STOP), or when it
        was sent before a later choice reached us (`reach_chosen_at`)."""
        if self._chosen_since(at):
            return False
        self._chose_reach(at)
        if "sms" not in self.details.channels:
            return False
        left = tuple(channel for channel in self.details.channels if channel != "sms")
        stopped = replace(self.details, channels=left)
        source = f"{TEXT_REPLY_SOURCE}:{keyword}"
        context = JoinContext(now=at, source=source, form_version=form_version)
        self.consent_log.extend(_consent_changes(self.details.agreed, stopped.agreed, context))
        self.details = stopped
        pending = self.pending_change
        if pending is not None:
            kept = tuple(c for c in pending.details.channels if c != "sms")
            self._pending_reach(kept, pending.details.phone)
        return True

    def choose_channels_by_reply(
        self, channels: tuple[Channel, ...], keyword: str, *, at: datetime, form_version: str
    ) -> bool:
        """They replied EMAIL, TEXT or BOTH to a text: as a choice on My together, logged with the
        word as its source (`sms-reply:EMAIL`). Email without an address, or text without a
        number, is no choice (False), nor is the choice they already have, nor one sent before a
        later choice reached us (`reach_chosen_at`)."""
        if self._chosen_since(at):
            return False
        if ("email" in channels and not self.details.email) or (
            "sms" in channels and not self.details.phone
        ):
            return False
        source = f"{TEXT_REPLY_SOURCE}:{keyword}"
        context = JoinContext(now=at, source=source, form_version=form_version)
        return self.choose_channels(channels, self.details.phone, context)

    def _chosen_since(self, at: datetime) -> bool:
        return self.reach_chosen_at is not None and at < self.reach_chosen_at

    def _chose_reach(self, at: datetime) -> None:
        if self.reach_chosen_at is None or at > self.reach_chosen_at:
            self.reach_chosen_at = at

    @property
    def texts_stopped(self) -> ConsentRecord | None:
        """The withdrawal of texts by a reply, while nothing has agreed to texts since."""
        texts = [r for r in self.consent_log if r.consent is ChannelConsent.TEXTS]
        last = texts[-1] if texts else None
        if last is None or last.granted or not last.source.startswith(TEXT_REPLY_SOURCE + ":"):
            return None
        return last

    def _pending_reach(self, channels: tuple[Channel, ...], phone: str | None) -> None:
        pending = self.pending_change
        if pending is not None:
            details = replace(pending.details, channels=channels, phone=phone)
            self.pending_change = replace(pending, details=details)

    @property
    def name_in_emails(self) -> str | None:
        """The name an email may greet the person by: none before they confirmed their address,
        since anyone could have typed it."""
        return self.details.name if self.confirmed else None

    def drop_stale_change(self, now: datetime) -> bool:
        """Forget a change its link can no longer confirm; return whether there was one."""
        pending = self.pending_change
        if pending is None or now - pending.requested_at < PENDING_CHANGE_KEPT_FOR:
            return False
        self.pending_change = None
        return True

    def would_confirm(self, nonce: str) -> ConfirmOutcome:
        """What following the confirmation link with `nonce` would do, without doing it."""
        return ConfirmOutcome.following(
            nonce, confirmed=self.confirmed, expected=self.confirmation_nonce
        )

    def confirm(self, nonce: str, now: datetime) -> ConfirmOutcome:
        outcome = self.would_confirm(nonce)
        if outcome is not ConfirmOutcome.CONFIRMED:
            return outcome
        self.status = Status.CONFIRMED
        self.confirmed_at = now
        self.confirmation_nonce = None
        return ConfirmOutcome.CONFIRMED

    def withdraw_email_consent(self, context: JoinContext) -> frozenset[Consent]:
        """Withdraw every email consent; return those that were given."""
        withdrawn = self.details.consents
        self.consent_log.extend(_consent_changes(withdrawn, frozenset(), context))
        self.details = replace(self.details, consents=frozenset())
        return withdrawn

    def sign_in_link(self) -> str | None:
        """The nonce for a sign-in link to "My together", made when none is outstanding; None for
        someone who has not confirmed their address (they cannot sign in)."""
        if not self.confirmed:
            return None
        if self.sign_in_nonce is None:
            self.sign_in_nonce = uuid4().hex
        return self.sign_in_nonce

    def can_sign_in(self, nonce: str) -> bool:
        return self.confirmed and bool(nonce) and nonce == self.sign_in_nonce

    def spend_sign_in(self, nonce: str) -> bool:
        """Follow a sign-in link: it works once, and then no link sent before it works."""
        if not self.can_sign_in(nonce):
            return False
        self.sign_in_nonce = None
        return True

    def purgeable(self, now: datetime) -> bool:
        return not self.confirmed and now - self.joined_at >= PENDING_PURGED_AFTER


PersonChange = Callable[[Person], Sequence[IntegrationEvent]]
"""A change to a stored person: it changes the person given and returns the events it causes."""


def _consent_changes(
    before: frozenset[Logged], after: frozenset[Logged], context: JoinContext
) -> list[ConsentRecord]:
    return [
        ConsentRecord(consent, consent in after, context.form_version, context.source, context.now)
        for consent in sorted(before ^ after)
    ]
