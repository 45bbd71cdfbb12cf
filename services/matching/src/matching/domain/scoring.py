"""Who is eligible for an event, how they are ranked, and the reasons they are told.

Eligible (every one of these, `eligible`): confirmed, consented to matched events and located;
the event's venue within the volunteer's own travel radius (or the event online); at least one
shared interest; free in the event's slot (`availability.slot`); language compatible (a Welsh-only
event needs a Welsh speaker, English and bilingual events suit everyone); fewer than the weekly
cap of proposals in the last 7 days; not already proposed this event.

Score, between 0 and 1 (`score`):

    score = 0.35 * proximity + 0.20 * overlap + 0.20 * responsiveness + 0.25 * freshness

- proximity      = 1 - distance / radius (1 next door, 0 at the edge; 0.5 for online events)
- overlap        = shared interests / the event's interests (its type and what else it suits)
- responsiveness = (accepted + attended + 1) / (accepted + declined + attended + no-shows + 2):
                   past answers and attendance (`attendance.recorded`), 0.5 for newcomers
- freshness      = days since the last proposal / 14, at most 1; 1 for someone never invited

Freshness is a quarter of the score, so the nearest volunteers do not get every invitation.

Rotation (`ranked`): scores are rounded to bands of 0.05; within a band whoever has waited longest
since their last proposal comes first (never invited before anyone), then a hash of (event,
person), which differs from event to event, so equal volunteers take turns instead of the same
ones always winning the tie.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from together_contracts import Availability, Interest

from matching.domain.availability import available, slot
from matching.domain.community_events import CommunityEvent
from matching.domain.geo import distance_km
from matching.domain.volunteers import Volunteer

WEIGHTS = {"proximity": 0.35, "overlap": 0.20, "responsiveness": 0.20, "freshness": 0.25}
FRESH_AFTER_DAYS = 14.0
BAND = 0.05
NEARBY_KM = 0.05
"""Closer than this (0.0 km once rounded: the same postcode district) reads "in your area", as
on the pages (`together_kit.web.labels.NEARBY_KM`)."""

SLOT_PHRASES = {
    Availability.WEEKDAY_DAYTIMES: "free on weekday daytimes",
    Availability.WEEKDAY_EVENINGS: "free on weekday evenings",
    Availability.WEEKENDS: "free at weekends",
}


@dataclass(frozen=True)
class Candidate:
    volunteer: Volunteer
    distance_km: float | None
    score: float


def distance_to(volunteer: Volunteer, event: CommunityEvent) -> float | None:
    if event.venue.online or volunteer.location is None or event.venue.location is None:
        return None
    return distance_km(volunteer.location, event.venue.location)


def within_reach(volunteer: Volunteer, event: CommunityEvent) -> bool:
    if event.venue.online:
        return True
    distance = distance_to(volunteer, event)
    return distance is not None and distance <= volunteer.travel_radius_km


def language_fits(volunteer: Volunteer, event: CommunityEvent) -> bool:
    return event.language != "cy" or volunteer.language == "cy"


def eligible(volunteer: Volunteer, event: CommunityEvent, *, now: datetime, cap: int) -> bool:
    return (
        volunteer.matchable
        and bool(volunteer.interests & event.interests)
        and available(volunteer.availability, event.starts_at)
        and language_fits(volunteer, event)
        and within_reach(volunteer, event)
        and volunteer.under_cap(now, cap)
        and not volunteer.was_proposed(event.id)
    )


def score(volunteer: Volunteer, event: CommunityEvent, *, now: datetime) -> float:
    return _score(volunteer, event, distance_to(volunteer, event), now=now)


def _score(
    volunteer: Volunteer, event: CommunityEvent, distance: float | None, *, now: datetime
) -> float:
    proximity = 0.5 if distance is None else max(0.0, 1 - distance / volunteer.travel_radius_km)
    overlap = len(volunteer.interests & event.interests) / len(event.interests)
    v = volunteer
    responsiveness = (v.accepted + v.attended + 1) / (
        v.accepted + v.declined + v.attended + v.no_shows + 2
    )
    freshness = 1.0
    if volunteer.last_proposed_at is not None:
        days = (now - volunteer.last_proposed_at).total_seconds() / 86400
        freshness = min(1.0, max(0.0, days / FRESH_AFTER_DAYS))
    parts = {
        "proximity": proximity,
        "overlap": overlap,
        "responsiveness": responsiveness,
        "freshness": freshness,
    }
    return sum(WEIGHTS[name] * value for name, value in parts.items())


def ranked(
    volunteers: Iterable[Volunteer], event: CommunityEvent, *, now: datetime, cap: int
) -> list[Candidate]:
    """The eligible volunteers, best first, with rotation among equals (see the module doc)."""
    candidates = []
    for volunteer in volunteers:
        if eligible(volunteer, event, now=now, cap=cap):
            distance = distance_to(volunteer, event)
            candidates.append(
                Candidate(volunteer, distance, _score(volunteer, event, distance, now=now))
            )

    def order(candidate: Candidate) -> tuple[float, float, str]:
        last = candidate.volunteer.last_proposed_at
        waited = float("inf") if last is None else (now - last).total_seconds()
        return (-round(candidate.score / BAND), -waited, _turn(event.id, candidate.volunteer))

    return sorted(candidates, key=order)


def _turn(event_id: UUID, volunteer: Volunteer) -> str:
    return hashlib.sha256(f"{event_id}:{volunteer.person_id}".encode()).hexdigest()


@dataclass(frozen=True)
class Reasons:
    """Why an event was proposed to a volunteer, as facts a page can put in any language."""

    distance_km: float | None
    """None for an online event."""
    interests: tuple[Interest, ...]
    """Shared interests, the event's own type first (at most two)."""
    slot: Availability | None
    """The volunteer's free time the event falls in, when they named it."""

    def phrases(self) -> list[str]:
        """Short phrases such as "2.1 km away", "likes intergenerational", "free at weekends"."""
        said = ["online" if self.distance_km is None else _far(self.distance_km)]
        said += [f"likes {str(interest).replace('-', ' ')}" for interest in self.interests]
        if self.slot is not None:
            said.append(SLOT_PHRASES[self.slot])
        return said


def _far(distance_km: float) -> str:
    """ "2.1 km away"; "in your area" for the same district (0.0 km once rounded)."""
    return "in your area" if distance_km < NEARBY_KM else f"{distance_km:.1f} km away"


def why(candidate: Candidate, event: CommunityEvent) -> Reasons:
    volunteer = candidate.volunteer
    shared = sorted(volunteer.interests & event.interests, key=lambda i: i != event.event_type)
    event_slot = slot(event.starts_at)
    return Reasons(
        distance_km=candidate.distance_km,
        interests=tuple(shared[:2]),
        slot=event_slot if event_slot in volunteer.availability else None,
    )


def reasons(candidate: Candidate, event: CommunityEvent) -> list[str]:
    """Short phrases such as "2.1 km away", "likes intergenerational", "free at weekends"."""
    return why(candidate, event).phrases()
