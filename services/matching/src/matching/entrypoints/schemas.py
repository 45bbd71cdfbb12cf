"""Request and response models shared by the JSON API and the HTML form (one validation)."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    ValidationInfo,
    field_validator,
)
from together_contracts import Interest
from together_kit.districts import normalise
from together_kit.text import multi_line, single_line

from matching.domain.availability import LONDON
from matching.domain.events import CommunityEvent, EventLanguage

GB_LATITUDE = (49.8, 60.95)
GB_LONGITUDE = (-8.7, 1.8)


def _postcode(value: str) -> str:
    return normalise(value)


def _email(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


Postcode = Annotated[
    str,
    Field(
        max_length=16,
        description="A UK postcode or its outward code; any case and spacing.",
        examples=["M1 1AE"],
    ),
    AfterValidator(_postcode),
]
Email = Annotated[EmailStr, BeforeValidator(_email), Field(max_length=254)]
Role = Annotated[str, single_line(100)]

EVENT_EXAMPLE: dict[str, Any] = {
    "title": "Community lunch at Riverside",
    "description": "Soup, bread and a chat. We need help setting up, serving and clearing away.",
    "event_type": "food-and-mutual-aid",
    "also_suits": ["befriending-and-loneliness"],
    "starts_at": "2027-03-06T12:00:00+00:00",
    "ends_at": "2027-03-06T14:30:00+00:00",
    "postcode": "M1 1AE",
    "online": False,
    "roles": ["Setting up", "Serving", "Clearing away"],
    "places": 6,
    "accessibility": "Step-free entrance; accessible toilet; hearing loop.",
    "organiser_email": "sam@riverside.example.org",
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


class EventCreate(BaseModel):
    """An organiser lists a community event; it is public once a moderator approves it.

    The venue is a postcode, or coordinates (`latitude` and `longitude`), or `online: true`.
    Times without a zone are read as Europe/London time.
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
    roles: list[Role] = Field(default_factory=list, max_length=20)
    places: int = Field(ge=1, le=1000)
    accessibility: Annotated[str, multi_line(1000, min_length=0)] = ""
    organiser_email: Email
    language: EventLanguage = "en"

    @field_validator("starts_at")
    @classmethod
    def _starts_in_future(cls, value: datetime) -> datetime:
        value = london(value)
        if value <= datetime.now(UTC):
            raise ValueError("The start must be in the future")
        return value

    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, value: datetime, info: ValidationInfo) -> datetime:
        value = london(value)
        starts = info.data.get("starts_at")
        if starts is not None and value <= starts:
            raise ValueError("The end must be after the start")
        return value

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
    cancel_url: str = Field(description="Keep it: this signed link cancels the event")
    attendance_url: str = Field(description="After the event, mark who came with this link")


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
        )


class GapPublic(BaseModel):
    """One district: its confirmed volunteers and the upcoming venue events within reach."""

    outward_code: str
    volunteers: int
    events_in_reach: int
    score: float = Field(description="volunteers / (1 + events in reach): larger is a bigger gap")
    latitude: float
    longitude: float
