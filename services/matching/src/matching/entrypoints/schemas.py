"""Request and response models shared by the JSON API and the HTML form (one validation)."""

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from together_contracts import Interest
from together_contracts.emails import TypedEmail
from together_kit.districts import normalise
from together_kit.http.text import multi_line, single_line

from matching.domain.availability import LONDON
from matching.domain.community_events import CommunityEvent, EventLanguage

GB_LATITUDE = (49.8, 60.95)
GB_LONGITUDE = (-8.7, 1.8)


def _postcode(value: str) -> str:
    return normalise(value)


Postcode = Annotated[
    str,
    Field(
        max_length=16,
        description="A UK postcode or its outward code; any case and spacing.",
        examples=["M1 1AE"],
    ),
    AfterValidator(_postcode),
]
Role = Annotated[str, single_line(100)]
AddressLine = Annotated[str, single_line(100)]
PHONE = re.compile(r"\+?[0-9 ()-]{6,32}")
FULL_POSTCODE = "Enter the venue's full postcode, like M1 1AE"


def _phone(value: str) -> str:
    if value and (PHONE.fullmatch(value) is None or sum(c.isdigit() for c in value) < 6):
        raise ValueError("Enter a phone number, like 0161 496 0000")
    return value


def _joining_url(value: str) -> str:
    if value and not value.lower().startswith(("https://", "http://")):
        raise ValueError("Enter the joining link in full, starting with https://")
    return value


Phone = Annotated[str, single_line(32, min_length=0), AfterValidator(_phone)]
JoiningUrl = Annotated[str, single_line(500, min_length=0), AfterValidator(_joining_url)]

EVENT_EXAMPLE: dict[str, Any] = {
    "title": "Community lunch at Riverside",
    "description": "Soup, bread and a chat. We need help setting up, serving and clearing away.",
    "event_type": "food-and-mutual-aid",
    "also_suits": ["befriending-and-loneliness"],
    "starts_at": "2027-03-06T12:00:00+00:00",
    "ends_at": "2027-03-06T14:30:00+00:00",
    "postcode": "M1 1AE",
    "online": False,
    "venue_name": "Riverside Community Centre",
    "address_lines": ["12 Mill Lane"],
    "town": "Manchester",
    "arrival_notes": "Side door, ring the bell.",
    "address_public": False,
    "roles": ["Setting up", "Serving", "Clearing away"],
    "places": 6,
    "accessibility": "Step-free entrance; accessible toilet; hearing loop.",
    "organiser_name": "Sam Patel",
    "organiser_email": "sam@riverside.example.org",
    "organiser_phone": "0161 496 0000",
    "language": "en",
}


def london(value: datetime) -> datetime:
    """A time without a zone is London time; every time is stored in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("Enter a real date and time") from error


def starts_in_future(cls: type[BaseModel], value: datetime) -> datetime:
    value = london(value)
    if value <= datetime.now(UTC):
        raise ValueError("The start must be in the future")
    return value


def ends_after_start(cls: type[BaseModel], value: datetime, info: ValidationInfo) -> datetime:
    value = london(value)
    starts = info.data.get("starts_at")
    if starts is not None and value <= starts:
        raise ValueError("The end must be after the start")
    return value


def full_postcode(cls: type[BaseModel], value: str | None) -> str | None:
    if value is not None and " " not in value:
        raise ValueError(FULL_POSTCODE)
    return value


VENUE_MISSING = {
    "venue_name": "Enter the venue's name",
    "address_lines": "Enter the first line of the venue's address",
    "town": "Enter the venue's town or city",
}


def at_a_venue(cls: type[BaseModel], value: Any, info: ValidationInfo) -> Any:
    """A venue with a postcode needs its name, first address line and town."""
    if not value and info.data.get("postcode") is not None and info.field_name:
        raise ValueError(VENUE_MISSING[info.field_name])
    return value


def a_joining_link(cls: type[BaseModel], value: str, info: ValidationInfo) -> str:
    if not value and info.data.get("online"):
        raise ValueError("Enter the link people use to join the online event")
    return value


class EventCreate(BaseModel):
    """An organiser lists a community event; it is public once a moderator approves it.

    The venue is a full postcode with the venue's name, first address line and town, or
    coordinates (`latitude` and `longitude`), or `online: true` with a `joining_url`. Only the
    district (the postcode's first part) is public unless `address_public` is true; people with
    a place are given the venue in full and the organiser's first name, email and phone. Times
    without a zone are read as Europe/London time.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EVENT_EXAMPLE]})

    title: Annotated[str, single_line(200)]
    description: Annotated[str, multi_line(5000)]
    event_type: Interest
    also_suits: list[Interest] = Field(default_factory=list, max_length=len(Interest))
    starts_at: datetime
    ends_at: datetime
    postcode: Postcode | None = None
    latitude: float | None = Field(None, ge=GB_LATITUDE[0], le=GB_LATITUDE[1])
    longitude: float | None = Field(None, ge=GB_LONGITUDE[0], le=GB_LONGITUDE[1])
    online: bool = Field(False, validate_default=True)
    venue_name: Annotated[str, single_line(200, min_length=0)] = Field("", validate_default=True)
    address_lines: list[AddressLine] = Field(
        default_factory=list, max_length=3, validate_default=True
    )
    town: Annotated[str, single_line(100, min_length=0)] = Field("", validate_default=True)
    joining_url: JoiningUrl = Field("", validate_default=True)
    arrival_notes: Annotated[str, multi_line(1000, min_length=0)] = ""
    address_public: bool = Field(False, description="Show the exact address on the public list")
    roles: list[Role] = Field(default_factory=list, max_length=20)
    places: int = Field(ge=1, le=1000)
    accessibility: Annotated[str, multi_line(1000, min_length=0)] = ""
    organiser_name: Annotated[str, single_line(200)]
    organiser_email: TypedEmail
    organiser_phone: Phone = ""
    language: EventLanguage = "en"

    _postcode = field_validator("postcode")(full_postcode)
    _venue = field_validator("venue_name", "town", "address_lines")(at_a_venue)
    _joining = field_validator("joining_url")(a_joining_link)

    _starts = field_validator("starts_at")(starts_in_future)
    _ends = field_validator("ends_at")(ends_after_start)

    @field_validator("online")
    @classmethod
    def _one_venue(cls, value: bool, info: ValidationInfo) -> bool:
        postcode = info.data.get("postcode")
        latitude, longitude = info.data.get("latitude"), info.data.get("longitude")
        if (latitude is None) != (longitude is None):
            raise ValueError("Give both latitude and longitude, or neither")
        given = sum([value, postcode is not None, latitude is not None])
        if given != 1:
            raise ValueError("Give a postcode, or coordinates, or say the event is online")
        return value


class EventPublic(BaseModel):
    id: UUID
    status: Literal["submitted"] = "submitted"
    manage_url: str = Field(
        description="The organiser's page of the event (also emailed to the organiser): its "
        "status, who is coming, edit, cancel, attendance and a message to everyone with a place"
    )
    cancel_url: str = Field(description="Keep it: this signed link cancels the event")
    attendance_url: str = Field(description="After the event, mark who came with this link")


class EventEdit(BaseModel):
    """The organiser's changes on their page (the same rules as listing the event)."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, single_line(200)]
    description: Annotated[str, multi_line(5000)]
    starts_at: datetime
    ends_at: datetime
    places: int = Field(ge=1, le=1000)
    postcode: Postcode | None = None
    online: bool = Field(False, validate_default=True)
    venue_name: Annotated[str, single_line(200, min_length=0)] = Field("", validate_default=True)
    address_lines: list[AddressLine] = Field(
        default_factory=list, max_length=3, validate_default=True
    )
    town: Annotated[str, single_line(100, min_length=0)] = Field("", validate_default=True)
    joining_url: JoiningUrl = Field("", validate_default=True)
    arrival_notes: Annotated[str, multi_line(1000, min_length=0)] = ""
    accessibility: Annotated[str, multi_line(1000, min_length=0)] = ""
    address_public: bool = False

    _starts = field_validator("starts_at")(starts_in_future)
    _ends = field_validator("ends_at")(ends_after_start)
    _postcode = field_validator("postcode")(full_postcode)
    _venue = field_validator("venue_name", "town", "address_lines")(at_a_venue)
    _joining = field_validator("joining_url")(a_joining_link)

    @field_validator("online")
    @classmethod
    def _one_venue(cls, value: bool, info: ValidationInfo) -> bool:
        if value == (info.data.get("postcode") is not None):
            raise ValueError("Give a postcode, or say the event is online")
        return value


class MessageCreate(BaseModel):
    text: Annotated[str, multi_line(1000)]


class EventListing(BaseModel):
    """A published, upcoming event as anyone may see it (no organiser contact)."""

    id: UUID
    title: str
    description: str
    event_type: Interest
    starts_at: datetime
    ends_at: datetime
    online: bool
    outward_code: str | None
    places: int
    places_left: int
    roles: list[str]
    accessibility: str
    language: EventLanguage
    distance_km: float | None = None
    address: str | None = Field(
        default=None, description="The venue in full, only when the organiser made it public"
    )

    @classmethod
    def of(cls, event: CommunityEvent, distance_km: float | None = None) -> "EventListing":
        return cls(
            id=event.id,
            title=event.title,
            description=event.description,
            event_type=event.event_type,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            online=event.venue.online,
            outward_code=event.venue.outward_code,
            places=event.places,
            places_left=max(0, event.places - len(event.accepted)),
            roles=list(event.roles),
            accessibility=event.accessibility,
            language=event.language,
            distance_km=None if distance_km is None else round(distance_km, 1),
            address=public_address(event),
        )


class GapPublic(BaseModel):
    """One district: its confirmed volunteers and the upcoming venue events within reach."""

    outward_code: str
    volunteers: int
    events_in_reach: int
    score: float = Field(description="volunteers / (1 + events in reach): larger is a bigger gap")
    latitude: float
    longitude: float


def public_address(event: CommunityEvent) -> str | None:
    """The venue on one line, when the organiser chose to show it to everyone."""
    venue = event.venue
    if venue.online or not venue.public:
        return None
    parts = [venue.name, *venue.address_lines, venue.town, venue.postcode or ""]
    return ", ".join(part for part in parts if part) or None


class CallPublic(BaseModel):
    """A call to action: a district whose confirmed volunteers had no event in reach for weeks."""

    id: UUID
    outward_code: str
    volunteers: int = Field(description="Confirmed volunteers there when it opened")
    gap_since: datetime = Field(description="Since when no event was in reach")
    opened_at: datetime
    closed_at: datetime | None = Field(description="When an event in reach closed it; null: open")
    days_open: float


class CallFiguresPublic(BaseModel):
    opened: int
    closed: int
    open: int
    median_days_open: float | None = Field(description="Of the closed calls")
    longest_days_open: float | None = Field(description="Of the closed calls")


class CallsPublic(BaseModel):
    figures: CallFiguresPublic
    calls: list[CallPublic] = Field(description="Newest first")
