"""A community event listed by an organiser, and the places volunteers take on it.

Places are taken in the event's own document under optimistic concurrency (see
`adapters/community_events.py`): the change functions here decide; the store makes sure only one writer's
decision per version stands.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID, uuid4

from together_contracts import IntegrationEvent, Interest

from matching.domain.geo import Point

EventLanguage = Literal["en", "cy", "bilingual"]


class EventStatus(StrEnum):
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Answer(StrEnum):
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class EventNotFoundError(LookupError):
    pass


class PlacesTakenError(ValueError):
    """Fewer places than volunteers already have: the organiser must not take places away."""

    def __init__(self, taken: int) -> None:
        super().__init__(f"{taken} places are already taken")
        self.taken = taken


@dataclass(frozen=True)
class Venue:
    """Where it happens. The public listing and matching use the district (`outward_code`); the
    rest is for people with a place, or for everyone when the organiser made it `public`."""

    online: bool
    postcode: str | None = None
    outward_code: str | None = None
    location: Point | None = None
    name: str = ""
    address_lines: tuple[str, ...] = ()
    town: str = ""
    joining_url: str = ""
    arrival_notes: str = ""
    public: bool = False


@dataclass(frozen=True)
class Organiser:
    """The contact the organiser gave for people with a place (personal data: erasable)."""

    name: str = ""
    phone: str = ""

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


@dataclass
class CommunityEvent:
    title: str
    description: str
    event_type: Interest
    starts_at: datetime
    ends_at: datetime
    venue: Venue
    places: int
    organiser_email: str
    submitted_at: datetime
    roles: tuple[str, ...] = ()
    accessibility: str = ""
    language: EventLanguage = "en"
    also_suits: tuple[Interest, ...] = ()
    organiser: Organiser = Organiser()
    id: UUID = field(default_factory=uuid4)
    status: EventStatus = EventStatus.SUBMITTED
    rejection_reason: str = ""
    """Moderation's reason, in words, when the listing (or a change of its text) was rejected."""
    pending_title: str | None = None
    pending_description: str | None = None
    """A changed title or description of a published event, waiting for a moderator: the public
    text stays as it was until it is approved."""
    accepted: list[UUID] = field(default_factory=list)
    waitlist: list[UUID] = field(default_factory=list)
    declined: list[UUID] = field(default_factory=list)
    attendance: dict[UUID, bool] = field(default_factory=dict)
    """After the event: who came (True) and who did not (False), marked by the organiser."""
    sharing: list[UUID] = field(default_factory=list)
    """People with a place who let the organiser see their email (given on accepting, revocable)."""
    proposed: int = 0
    erased: int = 0
    """How many of its volunteers asked to be forgotten: an anonymous count."""
    version: int = 0

    @property
    def interests(self) -> frozenset[Interest]:
        return frozenset((self.event_type, *self.also_suits))

    @property
    def open(self) -> bool:
        return self.status is EventStatus.PUBLISHED

    def publish(self) -> bool:
        """Moderation approved: a submitted listing goes public (True, once); a published one
        takes its approved new text instead. Rejected or cancelled ones stay as they are."""
        if self.status is EventStatus.PUBLISHED and self.pending:
            self.title = self.pending_title or self.title
            self.description = self.pending_description or self.description
            self.pending_title = self.pending_description = None
            self.rejection_reason = ""
            return False
        if self.status is not EventStatus.SUBMITTED:
            return False
        self.status = EventStatus.PUBLISHED
        return True

    def reject(self, reason: str) -> None:
        """Moderation refused: a submitted listing is not published; a refused change of a
        published one's text is dropped (the public text stays). The reason is kept for the
        organiser's page."""
        if self.status is EventStatus.SUBMITTED:
            self.status = EventStatus.REJECTED
            self.rejection_reason = reason
        elif self.status is EventStatus.PUBLISHED and self.pending:
            self.pending_title = self.pending_description = None
            self.rejection_reason = reason

    def withdraw(self) -> EventStatus:
        """A lead took the listing down: a submitted or published event is cancelled (off the
        public list, never matched again). Returns the status it had."""
        before = self.status
        if before in {EventStatus.SUBMITTED, EventStatus.PUBLISHED}:
            self.status = EventStatus.CANCELLED
        return before

    def cancel(self) -> EventStatus:
        """The organiser cancelled, whatever the state. Returns the status it had (people with a
        place or waiting are told only if it was published)."""
        before = self.status
        self.status = EventStatus.CANCELLED
        return before

    def answer(self, person_id: UUID, *, accept: bool) -> tuple[Answer, int | None]:
        """Take a place, join the waitlist, or decline; answering again keeps the first answer
        except that declining after accepting gives the place up (see `give_up`)."""
        if not self.open:
            return Answer.CLOSED, None
        if person_id in self.accepted:
            return Answer.ACCEPTED, None
        if person_id in self.waitlist:
            return Answer.WAITLISTED, self.waitlist.index(person_id) + 1
        if not accept:
            if person_id not in self.declined:
                self.declined.append(person_id)
            return Answer.DECLINED, None
        if person_id in self.declined:
            self.declined.remove(person_id)
        if len(self.accepted) < self.places:
            self.accepted.append(person_id)
            return Answer.ACCEPTED, None
        self.waitlist.append(person_id)
        return Answer.WAITLISTED, len(self.waitlist)

    def give_up(self, person_id: UUID) -> tuple[bool, UUID | None]:
        """Leave the event; a freed place goes to the first on the waitlist, who is returned."""
        if person_id in self.sharing:
            self.sharing.remove(person_id)
        if person_id in self.waitlist:
            self.waitlist.remove(person_id)
            return True, None
        if person_id not in self.accepted:
            return False, None
        self.accepted.remove(person_id)
        promoted = self.waitlist.pop(0) if self.waitlist and self.open else None
        if promoted is not None:
            self.accepted.append(promoted)
        return True, promoted

    @property
    def pending(self) -> bool:
        return self.pending_title is not None or self.pending_description is not None

    def share(self, person_id: UUID, *, share: bool) -> bool:
        """Let the organiser see this person's email, or stop; only for someone with a place or
        waiting for one (the choice goes with them when the waitlist gives them a place; the
        organiser sees only people with a place). True if this changed anything."""
        holding = person_id in self.accepted or person_id in self.waitlist
        if not holding or (person_id in self.sharing) == share:
            return False
        if share:
            self.sharing.append(person_id)
        else:
            self.sharing.remove(person_id)
        return True

    def resize(self, places: int) -> list[UUID]:
        """Change the number of places; more places go to the first on the waitlist (returned).
        Fewer places than people already accepted is refused (`PlacesTakenError`)."""
        if places < len(self.accepted):
            raise PlacesTakenError(len(self.accepted))
        self.places = places
        promoted: list[UUID] = []
        while self.open and self.waitlist and len(self.accepted) < self.places:
            person_id = self.waitlist.pop(0)
            self.accepted.append(person_id)
            promoted.append(person_id)
        return promoted

    def mark(self, person_id: UUID, *, attended: bool, now: datetime) -> bool:
        """Record attendance for someone who had a place, once the event has begun; True if
        this changed what was recorded."""
        if person_id not in self.accepted or now < self.starts_at:
            return False
        if self.attendance.get(person_id) == attended:
            return False
        self.attendance[person_id] = attended
        return True

    def forget(self, person_id: UUID) -> UUID | None:
        """Erasure: drop the person everywhere, keep only a count; a freed place is passed on."""
        known = person_id in (*self.accepted, *self.waitlist, *self.declined, *self.attendance)
        _, promoted = self.give_up(person_id)
        if person_id in self.declined:
            self.declined.remove(person_id)
        self.attendance.pop(person_id, None)
        if known:
            self.erased += 1
        return promoted


EventChange = Callable[[CommunityEvent], Sequence[IntegrationEvent]]
"""Decides a change of one event (it changes the event given) and returns the events it tells."""
