"""An item under review (a story, a listing, a pledge, a conversation's statement or a
thank-you), its claim and the rules of deciding it.

An item is open while it is `pending`, `held` (screening found a possible safeguarding
disclosure) or `escalated` (a moderator asked a lead). Held and escalated items are decided only
by a lead. Claiming an item (a command of its own, never a side effect of reading it) holds it
for `CLAIM_DURATION`, so two moderators never decide the same one; a decision by anyone else
while the claim lasts is refused. Every decision is appended to `decisions` and never changed.

Publication rules: an item flagged `personal-data` is approved as sent only with an override and
its reason; a published item is withdrawn by a lead with a reason, or by the author of a story
through their signed link (status `withdrawn`), each recorded in `decisions` like any decision.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID, uuid4

from moderation.domain.decisions import (
    ESCALATE_REASONS,
    MAX_NOTE_LENGTH,
    REJECT_REASONS,
    Action,
    AlreadyDecidedError,
    ClaimHeldError,
    Decision,
    InvalidDecisionError,
    LeadRequiredError,
    Moderator,
    PersonalDataFlaggedError,
    Reason,
    Role,
)
from moderation.domain.pledges import PledgeDetails
from moderation.domain.screening import Flag, Screening
from moderation.domain.thanks import ThanksDetails

CLAIM_DURATION = timedelta(minutes=10)
CALLER_DIGEST = "caller_digest"
"""Where a story told by phone keeps its caller's keyed number digest once published (in
`extra`; a recording's is on its details), so erasure by phone still finds it."""

Prompt = Literal["lockdown", "unites-us", "divides-us", "closer"]


class ItemNotFoundError(LookupError):
    """There is no item with this id."""


class TranscriptMissingError(InvalidDecisionError):
    """A recording is approved only with the text the moderator typed or corrected."""

    def __init__(self) -> None:
        super().__init__(
            "Type what the caller said: the text is what is published, never the audio."
        )


class Kind(StrEnum):
    STORY = "story"
    LISTING = "listing"
    PLEDGE = "pledge"
    PLEDGE_UPDATE = "pledge-update"
    """Progress an organisation posted on its published pledge (`moderation.domain.pledges`)."""
    STATEMENT = "statement"
    THANKS = "thanks"
    RECORDING = "recording"
    """A story told on the voice line, its audio kept apart (`moderation.adapters.recordings`)
    until it is decided; approved, it becomes a story of the moderator's typed text."""


class Status(StrEnum):
    PENDING = "pending"
    HELD = "held"
    ESCALATED = "escalated"
    APPROVED = "approved"
    REJECTED = "rejected"
    ERASED = "erased"
    WITHDRAWN = "withdrawn"
    """Was published, then taken down by a lead or by its author."""


OPEN = frozenset({Status.PENDING, Status.HELD, Status.ESCALATED})
FOR_LEADS = frozenset({Status.HELD, Status.ESCALATED})


@dataclass(frozen=True)
class StoryDetails:
    prompt: Prompt
    consent_to_publish: bool
    author_name: str | None = None
    author_email: str | None = None
    notify_outcome: bool = False
    """The author asked to hear whether the story was published (only with an email)."""


@dataclass(frozen=True)
class RecordingDetails(StoryDetails):
    """A story told on the voice line: no author's name or email (the caller's number is never
    kept, only its keyed digest, for erasure by phone), the draft transcript in the item's text."""

    recording_sid: str = ""
    seconds: int = 0
    recogniser: str = ""
    """What drafted the transcript (`pocketsphinx`), or empty: the moderator types it all."""
    caller_digest: str | None = None
    draft_pending: bool = False
    """A draft is on its way (handlers.drafts makes it after the call, off the webhook)."""


def shared_story(
    *,
    prompt: Prompt,
    consent_to_publish: bool,
    author_name: str | None = None,
    author_email: str | None = None,
    notify_outcome: bool = False,
) -> StoryDetails:
    """A story's details as its author shared them. A story is kept only with the author's
    consent to publish it (`ValueError` otherwise); the email is kept in lower case, and the
    outcome is sent only to an author who left one."""
    if not consent_to_publish:
        raise ValueError("a story is stored only with the author's consent to publish it")
    return StoryDetails(
        prompt=prompt,
        consent_to_publish=True,
        author_name=author_name,
        author_email=author_email.strip().lower() if author_email else None,
        notify_outcome=bool(author_email) and notify_outcome,
    )


@dataclass(frozen=True)
class ListingDetails:
    """What matching sent about a listing, kept to show the moderator (no organiser contact)."""

    event_type: str
    starts_at: datetime
    ends_at: datetime
    places: int
    online: bool = False
    outward_code: str | None = None
    roles: tuple[str, ...] = ()
    """What the organiser asks volunteers to do (none from an older `event.submitted`)."""


@dataclass(frozen=True)
class StatementDetails:
    """A statement added to a conversation (domain.talk) by a participant (their pseudonymous id:
    votes and statements are linked, people are not)."""

    conversation_id: UUID
    participant: str


Details = StoryDetails | ListingDetails | PledgeDetails | StatementDetails | ThanksDetails
"""What an item holds besides its title, text and region, by kind."""


@dataclass(frozen=True)
class Claim:
    moderator: str
    until: datetime

    def held_by_another(self, moderator: Moderator, now: datetime) -> bool:
        return self.moderator != moderator.name and now < self.until


@dataclass
class Item:
    kind: Kind
    title: str
    text: str
    region: str
    created_at: datetime
    details: Details
    screening: Screening = field(default_factory=Screening)
    language: str = "en"
    id: UUID = field(default_factory=uuid4)
    status: Status = Status.PENDING
    claim: Claim | None = None
    decisions: list[Decision] = field(default_factory=list)
    published_title: str | None = None
    published_text: str | None = None
    decided_at: datetime | None = None
    breach_told_at: datetime | None = None
    version: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status is Status.PENDING and self.screening.safeguarding:
            self.status = Status.HELD

    @property
    def open(self) -> bool:
        return self.status in OPEN

    @property
    def safeguarding(self) -> bool:
        return self.screening.safeguarding

    @property
    def for_leads(self) -> bool:
        return self.status in FOR_LEADS

    @property
    def queue_priority(self) -> int:
        """Held and escalated items come first in the queue (0), then everything else (1), each
        group oldest first."""
        return 0 if self.for_leads else 1

    @property
    def rejected_story_at(self) -> datetime | None:
        """When a story or a thank-you was rejected (its retention counts from then); None for
        any other item."""
        authored = isinstance(self.details, StoryDetails | ThanksDetails)
        rejected = authored and self.status is Status.REJECTED
        return self.decided_at if rejected else None

    @property
    def story(self) -> StoryDetails:
        if not isinstance(self.details, StoryDetails):
            raise TypeError(f"item {self.id} is a {self.kind}, not a story")
        return self.details

    @property
    def listing(self) -> ListingDetails:
        if not isinstance(self.details, ListingDetails):
            raise TypeError(f"item {self.id} is a {self.kind}, not a listing")
        return self.details

    @property
    def thanks(self) -> ThanksDetails:
        if not isinstance(self.details, ThanksDetails):
            raise TypeError(f"item {self.id} is a {self.kind}, not a thank-you")
        return self.details

    @property
    def statement(self) -> StatementDetails:
        if not isinstance(self.details, StatementDetails):
            raise TypeError(f"item {self.id} is a {self.kind}, not a statement")
        return self.details

    @property
    def first_decision_at(self) -> datetime | None:
        return self.decisions[0].at if self.decisions else None

    @property
    def last_decision_at(self) -> datetime | None:
        return self.decisions[-1].at if self.decisions else None

    def age(self, now: datetime) -> timedelta:
        return now - self.created_at

    def take_claim(self, moderator: Moderator, now: datetime) -> Claim:
        """Claim (or renew the claim on) this item for `CLAIM_DURATION`; only a lead claims a
        held or escalated item."""
        if self.for_leads and not moderator.is_lead:
            raise LeadRequiredError
        self._refuse_unless_open()
        self._refuse_if_claimed(moderator, now)
        self.claim = Claim(moderator.name, now + CLAIM_DURATION)
        return self.claim

    def release(self, moderator: Moderator) -> None:
        if self.claim is not None and self.claim.moderator == moderator.name:
            self.claim = None

    def free_claim(self) -> None:
        """A lead frees an item someone else holds, so another moderator can open it."""
        self.claim = None

    def tell_breach(self, now: datetime) -> None:
        """Leads have been told this item passed its time target."""
        self.breach_told_at = now

    @property
    def submission(self) -> UUID | None:
        """The id of the event that brought a listing or pledge in, which decisions on it answer."""
        submitted = self.extra.get("submitted_event_id")
        return UUID(submitted) if submitted else None

    def resubmitted(self, fresh: "Item") -> bool:
        """A listing sent again as `fresh` (its organiser changed the text): an approved one goes back into the queue with the new text (the event keeps
        its public text until it is approved again), one still open takes the new text. A
        redelivered submission, or one for a listing rejected or withdrawn, changes nothing.
        Returns whether the item changed."""
        submission = fresh.extra["submitted_event_id"]
        again = self.extra.get("submitted_event_id") == submission
        if again or (self.status not in OPEN and self.status is not Status.APPROVED):
            return False
        if self.status is Status.APPROVED:
            self.status = Status.HELD if fresh.screening.safeguarding else Status.PENDING
            self.claim = None
            self.decided_at = None
            self.created_at = fresh.created_at
        self.title, self.text = fresh.title, fresh.text
        self.details, self.screening, self.region = fresh.details, fresh.screening, fresh.region
        self.extra = {**self.extra, "submitted_event_id": submission}
        return True

    def approve(
        self,
        moderator: Moderator,
        now: datetime,
        *,
        redacted_text: str | None = None,
        redacted_title: str | None = None,
        note: str = "",
        override: str = "",
    ) -> Decision:
        """Publish the text, or the moderator's redacted version of it (the original is kept).

        An item flagged `personal-data` is published as sent only with an `override`: the
        moderator's reason, kept as the decision's note (action `approve-despite-personal-data`).
        """
        self._check(moderator, now, deciding=True)
        after_text = redacted_text if redacted_text is not None else self.text
        after_title = redacted_title if redacted_title is not None else self.title
        redacted = (after_text, after_title) != (self.text, self.title)
        if redacted and self.kind is Kind.LISTING:
            raise InvalidDecisionError("Listings are approved as submitted or rejected.")
        if redacted and self.kind is Kind.STATEMENT:
            raise InvalidDecisionError("Statements are approved as written or rejected.")
        if self.kind is Kind.RECORDING and not (redacted_text or "").strip():
            raise TranscriptMissingError
        if redacted and not (after_text.strip() and after_title.strip()):
            raise InvalidDecisionError("The published title and text cannot be empty.")
        action = Action.APPROVE_WITH_REDACTIONS if redacted else Action.APPROVE
        if self.personal_data and not redacted:
            if not override.strip():
                raise PersonalDataFlaggedError
            action, note = Action.APPROVE_OVERRIDE, override.strip()
        decision = self._decided(moderator, now, action, None, note, after=after_text)
        self.status = Status.APPROVED
        self.published_text, self.published_title = after_text, after_title
        if isinstance(self.details, RecordingDetails):
            told_by = {"told_by": "phone", CALLER_DIGEST: self.details.caller_digest}
            self.kind = Kind.STORY
            self.details = StoryDetails(prompt=self.details.prompt, consent_to_publish=True)
            self.extra = {**self.extra, **told_by}
        return decision

    def reject(self, moderator: Moderator, now: datetime, *, reason: Reason, note: str) -> Decision:
        self._check(moderator, now, deciding=True)
        if reason not in REJECT_REASONS:
            raise InvalidDecisionError(f"{reason} is not a reason to reject.")
        decision = self._decided(moderator, now, Action.REJECT, reason, note, after=None)
        self.status = Status.REJECTED
        return decision

    def escalate(
        self, moderator: Moderator, now: datetime, *, reason: Reason, note: str
    ) -> Decision:
        """Hand the item to the leads; it stays open."""
        self._check(moderator, now, deciding=False)
        if self.for_leads:
            raise InvalidDecisionError("This item is already waiting for a lead.")
        if reason not in ESCALATE_REASONS:
            raise InvalidDecisionError(f"{reason} is not a reason to escalate.")
        decision = self._decided(moderator, now, Action.ESCALATE, reason, note, after=self.text)
        self.status = Status.ESCALATED
        self.decided_at = None
        return decision

    @property
    def personal_data(self) -> bool:
        """Screening flagged personal data: never published as sent without an override."""
        return Flag.PERSONAL_DATA in self.screening.flags

    @property
    def withdrawable(self) -> bool:
        return self.status is Status.APPROVED

    def withdraw(self, moderator: Moderator, now: datetime, *, reason: str) -> Decision:
        """A lead takes a published item down, with a reason (kept in the audit)."""
        if not moderator.is_lead:
            raise LeadRequiredError
        if not self.withdrawable:
            raise InvalidDecisionError("Only a published item can be withdrawn.")
        reason = reason.strip()
        if not reason:
            raise InvalidDecisionError("Say why the item is withdrawn.")
        if len(reason) > MAX_NOTE_LENGTH:
            raise InvalidDecisionError(f"Notes are at most {MAX_NOTE_LENGTH} characters.")
        return self._taken_down(moderator.name, moderator.role, now, Action.WITHDRAW, reason)

    def withdraw_by_author(self, now: datetime) -> Decision | None:
        """The author's signed link takes their published story down; None if it is not
        published (already withdrawn, or never approved)."""
        if self.kind is not Kind.STORY or not self.withdrawable:
            return None
        return self._taken_down("author", Role.MODERATOR, now, Action.AUTHOR_WITHDRAW, "")

    def _taken_down(
        self, by: str, role: Role, now: datetime, action: Action, note: str
    ) -> Decision:
        decision = Decision(
            moderator=by,
            role=role,
            at=now,
            action=action,
            note=note,
            before=self.published_text,
            after=None,
        )
        self.decisions = [*self.decisions, decision]
        self.status = Status.WITHDRAWN
        self.published_title = self.published_text = None
        self.claim = None
        return decision

    def forget_author(self) -> bool:
        """Erasure: the story (thank-you, or conversation statement) is unpublished and blanked:
        its text and title (as sent and as published), a story's or thank-you's author's name
        and email, the screening findings (they quote the personal data found) and the audit's
        before/after texts and notes. What the audit needs stays: the ids, the decisions (who, what, why, when) and the
        times. Return whether it was published (so the caller can tell the public pages it is
        gone)."""
        if isinstance(self.details, RecordingDetails):
            self.details = replace(self.details, caller_digest=None)
        if isinstance(self.details, StoryDetails | ThanksDetails):
            self.details = replace(
                self.details, author_name=None, author_email=None, notify_outcome=False
            )
        elif not isinstance(self.details, StatementDetails):
            return False
        self.extra.pop(CALLER_DIGEST, None)
        was_published = self.status is Status.APPROVED
        self.status = Status.ERASED
        self.title = self.text = ""
        self.published_title = self.published_text = None
        self.screening = Screening(flags=self.screening.flags)
        self.decisions = [replace(d, before=None, after=None, note="") for d in self.decisions]
        self.claim = None
        return was_published

    def _check(self, moderator: Moderator, now: datetime, *, deciding: bool) -> None:
        self._refuse_unless_open()
        self._refuse_if_claimed(moderator, now)
        if deciding and self.for_leads and not moderator.is_lead:
            raise LeadRequiredError

    def _refuse_unless_open(self) -> None:
        if not self.open:
            raise AlreadyDecidedError(self.status.value)

    def _refuse_if_claimed(self, moderator: Moderator, now: datetime) -> None:
        if self.claim is not None and self.claim.held_by_another(moderator, now):
            raise ClaimHeldError(self.claim.moderator, self.claim.until)

    def _decided(
        self,
        moderator: Moderator,
        now: datetime,
        action: Action,
        reason: Reason | None,
        note: str,
        *,
        after: str | None,
    ) -> Decision:
        if len(note) > MAX_NOTE_LENGTH:
            raise InvalidDecisionError(f"Notes are at most {MAX_NOTE_LENGTH} characters.")
        decision = Decision(
            moderator=moderator.name,
            role=moderator.role,
            at=now,
            action=action,
            reason=reason,
            note=note,
            before=self.text,
            after=after,
        )
        self.decisions = [*self.decisions, decision]
        self.claim = None
        self.decided_at = now
        return decision
