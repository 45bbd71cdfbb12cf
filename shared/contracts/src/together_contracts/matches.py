"""Events about published community events and the matches matching proposes, told by matching.

Volunteers appear only by `person_id` (notifications keeps their contact details). The organiser's
contact is the listing's own: given by the organiser to be passed to people with a place, carried
in `event.published` (so notifications can write to the organiser) and in `match.accepted` (so the
volunteer knows whom to ask). The full venue travels only to people with a place, unless the
organiser made it public.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field, JsonValue

from together_contracts.emails import Email
from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Availability, Interest, Language

_EVENT = "00000000-0000-4000-8000-000000000020"
_MATCH = "00000000-0000-4000-8000-000000000030"
_PERSON = "00000000-0000-4000-8000-000000000001"

EventLanguage = Literal["en", "cy", "bilingual"]

_SUMMARY: dict[str, JsonValue] = {
    "event_id": _EVENT,
    "title": "Community lunch",
    "event_type": "food-and-mutual-aid",
    "starts_at": "2026-12-05T12:00:00Z",
    "ends_at": "2026-12-05T14:00:00Z",
    "outward_code": "M1",
    "online": False,
    "language": "en",
}
_NEARBY: dict[str, JsonValue] = {
    "event_id": _EVENT,
    "title": "Community lunch",
    "starts_at": "2026-12-05T12:00:00Z",
    "outward_code": "M1",
    "distance_km": 18.4,
}


class EventVenue(EventData):
    """Where the event happens, in full, and how to get in: for people with a place."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "online": False,
                    "name": "Riverside Community Centre",
                    "address_lines": ["12 Mill Lane"],
                    "town": "Manchester",
                    "postcode": "M1 1AE",
                    "joining_url": "",
                    "arrival_notes": "Side door, ring the bell",
                    "accessibility": "Step-free; accessible toilet",
                    "public": False,
                }
            ]
        }
    )

    online: bool = False
    name: str = Field(default="", max_length=200)
    address_lines: list[str] = Field(default_factory=list, max_length=3)
    town: str = Field(default="", max_length=100)
    postcode: str = Field(default="", max_length=8, description="In full; empty when online")
    joining_url: str = Field(default="", max_length=500, description="For an online event")
    arrival_notes: str = Field(default="", max_length=1000)
    accessibility: str = Field(default="", max_length=1000)
    public: bool = Field(
        default=False, description="The organiser chose to show the exact address to everyone"
    )


class OrganiserContact(EventData):
    """How a volunteer with a place reaches the organiser (given by the organiser for this)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Sam",
                    "email": "sam@riverside.example.org",
                    "phone": "0161 496 0000",
                }
            ]
        }
    )

    first_name: str = Field(max_length=100)
    email: Email | None = None
    phone: str = Field(default="", max_length=32)


class EventSummary(EventData):
    """What a message about an event shows: what, when, roughly where."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY]})

    event_id: UUID
    title: str = Field(min_length=1, max_length=200)
    event_type: Interest
    starts_at: datetime
    ends_at: datetime
    outward_code: str | None = Field(default=None, max_length=4)
    online: bool = False
    language: EventLanguage = "en"


class EventPublishedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event": _SUMMARY,
                    "places": 6,
                    "organiser_email": "sam@riverside.example.org",
                    "public_url": "https://events.together.example/events#e20",
                    "cancel_url": "https://events.together.example/events/cancel/eyJ…",
                    "attendance_url": "https://events.together.example/events/attendance/eyJ…",
                }
            ]
        }
    )

    event: EventSummary
    places: int = Field(ge=1)
    organiser_email: Email | None = Field(
        description="So notifications can send the organiser links; none once the organiser "
        "has been erased"
    )
    public_url: str
    cancel_url: str = Field(description="Signed link with which the organiser cancels the event")
    attendance_url: str | None = Field(
        default=None, description="Signed link with which the organiser marks who came, after it"
    )
    organiser_name: str = Field(default="", max_length=200, description="Empty once erased")
    manage_url: str = Field(
        default="",
        description="The organiser's page (together_kit.web.site token): status, who is coming, edit",
    )


class EventPublished(IntegrationEvent):
    """A moderator approved an event listing: it is public and matching proposes volunteers."""

    type: Literal["event.published"] = "event.published"
    version: Literal[1] = 1
    data: EventPublishedData


class EventChangedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event": _SUMMARY,
                    "changes": ["starts_at", "ends_at"],
                    "accepted": [_PERSON],
                }
            ]
        }
    )

    event: EventSummary
    changes: list[str] = Field(description="The names of the fields that changed")
    accepted: list[UUID] = Field(default_factory=list, description="Volunteers to tell")
    was: EventSummary | None = Field(default=None, description="The event before the change")
    venue: EventVenue | None = Field(default=None, description="The venue after the change")


class EventChanged(IntegrationEvent):
    """A published event changed its time or place: notifications tells accepted volunteers."""

    type: Literal["event.changed"] = "event.changed"
    version: Literal[1] = 1
    data: EventChangedData


class EventCancelledData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event": _SUMMARY,
                    "accepted": [_PERSON],
                    "waitlisted": [],
                }
            ]
        }
    )

    event: EventSummary
    accepted: list[UUID] = Field(default_factory=list)
    waitlisted: list[UUID] = Field(default_factory=list)


class EventCancelled(IntegrationEvent):
    """The organiser cancelled an event: notifications tells everyone who had a place or was waiting."""

    type: Literal["event.cancelled"] = "event.cancelled"
    version: Literal[1] = 1
    data: EventCancelledData


class MatchReasons(EventData):
    """Why an event suits a volunteer, as facts each reader can put in their own language."""

    distance_km: float | None = Field(default=None, ge=0, description="None for online events")
    interests: list[Interest] = Field(
        default_factory=list, description="Interests shared with the event, its own type first"
    )
    slot: Availability | None = Field(
        default=None, description="The volunteer's free time the event falls in, if named"
    )


class MatchProposedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "match_id": _MATCH,
                    "person_id": _PERSON,
                    "event": _SUMMARY,
                    "distance_km": 2.1,
                    "reasons": ["2.1 km away", "likes food and mutual aid", "free at weekends"],
                    "reasons_text": "2.1 km away · likes food and mutual aid · free at weekends",
                    "why": {
                        "distance_km": 2.1,
                        "interests": ["food-and-mutual-aid"],
                        "slot": "weekends",
                    },
                    "respond_url": "https://events.together.example/r/eyJ…",
                    "accept_url": "https://events.together.example/r/eyJ…?answer=accept",
                    "decline_url": "https://events.together.example/r/eyJ…?answer=decline",
                }
            ]
        }
    )

    match_id: UUID
    person_id: UUID
    event: EventSummary
    distance_km: float | None = Field(default=None, ge=0, description="None for online events")
    reasons: list[str] = Field(description="Why this event suits this volunteer, each short")
    reasons_text: str = Field(description="The reasons joined for a message")
    why: MatchReasons | None = Field(
        default=None,
        description="The reasons as facts, to say in the volunteer's language (`reasons` is "
        "English); None from older producers",
    )
    respond_url: str
    accept_url: str
    decline_url: str


class MatchProposed(IntegrationEvent):
    """Matching suggests an event to a volunteer, with the reasons; they accept or decline by link."""

    type: Literal["match.proposed"] = "match.proposed"
    version: Literal[1] = 1
    data: MatchProposedData


class MatchAcceptedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "match_id": _MATCH,
                    "person_id": _PERSON,
                    "event": _SUMMARY,
                    "outcome": "accepted",
                    "waitlist_position": None,
                    "from_waitlist": False,
                    "respond_url": "https://events.together.example/r/eyJ…",
                }
            ]
        }
    )

    match_id: UUID
    person_id: UUID
    event: EventSummary
    outcome: Literal["accepted", "waitlisted"]
    waitlist_position: int | None = Field(default=None, ge=1)
    from_waitlist: bool = Field(
        default=False, description="A place opened up and the first on the waitlist was given it"
    )
    respond_url: str = Field(description="Where they can give the place up again")
    venue: EventVenue | None = Field(default=None, description="Where to go, in full")
    organiser: OrganiserContact | None = Field(
        default=None, description="Whom to ask; none once the organiser has been erased"
    )
    share_contact: bool = Field(
        default=False,
        description="The volunteer agreed the organiser may see their email (revocable)",
    )


class MatchAccepted(IntegrationEvent):
    """A volunteer said yes: they have a place, or are on the waitlist when places are all taken."""

    type: Literal["match.accepted"] = "match.accepted"
    version: Literal[1] = 1
    data: MatchAcceptedData


class MatchDeclinedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "match_id": _MATCH,
                    "person_id": _PERSON,
                    "event_id": _EVENT,
                    "withdrawn": False,
                }
            ]
        }
    )

    match_id: UUID
    person_id: UUID
    event_id: UUID
    withdrawn: bool = Field(
        default=False, description="True when they had accepted (or were waiting) and gave it up"
    )


class MatchDeclined(IntegrationEvent):
    """A volunteer said no, or gave up a place they had accepted."""

    type: Literal["match.declined"] = "match.declined"
    version: Literal[1] = 1
    data: MatchDeclinedData


class NearbyEvent(EventData):
    model_config = ConfigDict(json_schema_extra={"examples": [_NEARBY]})

    event_id: UUID
    title: str = Field(min_length=1, max_length=200)
    starts_at: datetime
    outward_code: str | None = Field(default=None, max_length=4)
    distance_km: float = Field(ge=0)


class VolunteerUnmatchedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": _PERSON,
                    "language": "cy",
                    "days_waiting": 7,
                    "nearest_events": [_NEARBY],
                    "connector_invitation": True,
                }
            ]
        }
    )

    person_id: UUID
    language: Language = "en"
    days_waiting: int = Field(ge=0)
    nearest_events: list[NearbyEvent] = Field(
        default_factory=list, description="The nearest upcoming events beyond their radius"
    )
    connector_invitation: bool = Field(
        default=True, description="Invite them to become a community connector"
    )


class VolunteerUnmatched(IntegrationEvent):
    """A confirmed volunteer has had no proposal for 7 days (told once): send a kind message."""

    type: Literal["volunteer.unmatched"] = "volunteer.unmatched"
    version: Literal[1] = 1
    data: VolunteerUnmatchedData


class AttendanceRecordedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"event_id": _EVENT, "person_id": _PERSON, "match_id": _MATCH, "attended": True}
            ]
        }
    )

    event_id: UUID
    person_id: UUID
    match_id: UUID
    attended: bool
    event: EventSummary | None = Field(default=None, description="What they came to")


class AttendanceRecorded(IntegrationEvent):
    """After an event the organiser marked a volunteer as attended or a no-show."""

    type: Literal["attendance.recorded"] = "attendance.recorded"
    version: Literal[1] = 1
    data: AttendanceRecordedData
