"""Who is coming to an event, as its organiser may see it, and what changed since their last digest.

Notifications keeps one roster per published event from matching's events: the organiser (from
`event.published`: address, name, language, their page), each person with a place or on the
waitlist (by id: their first name and address stay in the contacts), and whether they let the
organiser see their email (`share`). Each place taken or given up is a change for the organiser's
digest, which goes at most once per `gap` (an hour): the first change makes it due at once, or an
hour after the last one. Each cause event counts once (`seen`), whatever is redelivered. Pure.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

ChangeKind = Literal["took", "gave_up"]
GAP = timedelta(hours=1)


@dataclass(frozen=True)
class Organiser:
    email: str
    name: str = ""
    language: str = "en"
    manage_url: str = ""


@dataclass
class Place:
    waitlisted: bool = False
    share: bool = False


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    person_id: str
    """Empty once the person was erased: the organiser is told only that a place was freed."""
    at: datetime


@dataclass
class Roster:
    event_id: str
    title: str = ""
    organiser: Organiser | None = None
    people: dict[str, Place] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)
    """Not yet in a digest, keyed by the id of the event that caused each."""
    seen: list[str] = field(default_factory=list)
    digest_due_at: datetime | None = None
    last_digest_at: datetime | None = None
    digests: int = 0
    cancelled: bool = False
    version: int = 0

    def first_time(self, cause: str) -> bool:
        """True, once, for each cause event: a redelivered one changes nothing."""
        if cause in self.seen:
            return False
        self.seen.append(cause)
        return True

    def place(
        self, person_id: str, *, waitlisted: bool, share: bool, cause: str, now: datetime
    ) -> None:
        had = self.people.get(person_id)
        self.people[person_id] = Place(waitlisted=waitlisted, share=share)
        if not waitlisted and (had is None or had.waitlisted):
            self._changed(cause, "took", person_id, now)

    def leave(self, person_id: str, *, cause: str, now: datetime) -> None:
        had = self.people.pop(person_id, None)
        if had is not None and not had.waitlisted:
            self._changed(cause, "gave_up", person_id, now)

    def share(self, person_id: str, *, share: bool) -> None:
        if person_id in self.people:
            self.people[person_id].share = share

    def forget(self, person_id: str, *, cause: str, now: datetime) -> None:
        """Erasure: off the roster; their place, if they had one, shows as freed, nameless."""
        for key, change in self.changes.items():
            if change.person_id == person_id:
                self.changes[key] = Change(change.kind, "", change.at)
        had = self.people.pop(person_id, None)
        if had is not None and not had.waitlisted:
            self._changed(cause, "gave_up", "", now)

    def cancel(self) -> None:
        self.cancelled = True
        self.people.clear()
        self.changes.clear()
        self.digest_due_at = None

    def taken(self) -> list[str]:
        return [p for p, place in self.people.items() if not place.waitlisted]

    def waiting(self) -> int:
        return sum(place.waitlisted for place in self.people.values())

    def digested(self, gathered: list[str], *, now: datetime, gap: timedelta = GAP) -> None:
        """The digest of `gathered` changes is recorded: the rest wait for the next, `gap` on."""
        for key in gathered:
            self.changes.pop(key, None)
        self.digests += 1
        self.last_digest_at = now
        self.digest_due_at = now + gap if self.changes else None

    def _changed(
        self, cause: str, kind: ChangeKind, person_id: str, now: datetime, gap: timedelta = GAP
    ) -> None:
        if self.cancelled:
            return
        self.changes[cause] = Change(kind, person_id, now)
        if self.digest_due_at is None:
            earliest = now if self.last_digest_at is None else self.last_digest_at + gap
            self.digest_due_at = max(now, earliest)
