from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from together_contracts.matches import EventSummary, EventVenue, OrganiserContact

from matching.domain.community_events import CommunityEvent
from matching.domain.places import Geocoder
from matching.handlers.ports import (
    AccessAnswerer,
    CallRepository,
    ErasureAnswerer,
    EventRepository,
    Links,
    MatchRepository,
    Tokens,
    VolunteerRepository,
)

PRODUCER = "matching"


@dataclass(frozen=True)
class MatchingRules:
    proposals_per_place: int = 3
    weekly_cap: int = 2
    events_per_new_volunteer: int = 3
    unmatched_after_days: int = 7


@dataclass(frozen=True)
class Context:
    """The ports every handler may use; bootstrap builds the real ones, unit tests small fakes."""

    events: EventRepository
    volunteers: VolunteerRepository
    matches: MatchRepository
    geocoder: Geocoder
    tokens: Tokens
    links: Links
    clock: Callable[[], datetime]
    rules: MatchingRules
    erasures: ErasureAnswerer
    access: AccessAnswerer
    calls: CallRepository


def summary(event: CommunityEvent) -> EventSummary:
    return EventSummary(
        event_id=event.id,
        title=event.title,
        event_type=event.event_type,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        outward_code=event.venue.outward_code,
        online=event.venue.online,
        language=event.language,
    )


def venue_of(event: CommunityEvent) -> EventVenue:
    """The venue in full, for people with a place."""
    venue = event.venue
    return EventVenue(
        online=venue.online,
        name=venue.name,
        address_lines=list(venue.address_lines),
        town=venue.town,
        postcode=venue.postcode if venue.postcode and " " in venue.postcode else "",
        joining_url=venue.joining_url,
        arrival_notes=venue.arrival_notes,
        accessibility=event.accessibility,
        public=venue.public,
    )


def organiser_of(event: CommunityEvent) -> OrganiserContact | None:
    """How people with a place reach the organiser; None once the organiser was erased."""
    if not event.organiser.name and not event.organiser_email:
        return None
    return OrganiserContact(
        first_name=event.organiser.first_name[:100],
        email=event.organiser_email or None,
        phone=event.organiser.phone,
    )
