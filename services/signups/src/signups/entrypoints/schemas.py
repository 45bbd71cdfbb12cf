"""Request and response models shared by the JSON API and the HTML forms (one validation)."""

from typing import Annotated, Any, Literal
from uuid import UUID

import structlog
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from together_contracts import (
    Availability,
    Channel,
    Consent,
    Interest,
    Language,
    Nation,
    OrganisationType,
    SignatoryKind,
)
from together_contracts.emails import TypedEmail
from together_contracts.postcodes import INWARD_PATTERN
from together_kit import districts
from together_kit.http.text import multi_line, single_line

from signups.domain.letter import SignatoryDetails
from signups.domain.organisations import OrganisationDetails, Pledge
from signups.domain.people import VolunteerDetails
from signups.domain.phones import NotAPhoneNumberError, e164, uk_mobile
from signups.domain.postcodes import InvalidPostcodeError, normalise_postcode, outward_code
from signups.domain.progress import MAX_DISTRICTS, districts_named

log = structlog.get_logger("signups.postcodes")
WRITTEN_FORM = f"^(?:{districts.shipped().outward_pattern()}) ?{INWARD_PATTERN}$"
"""A postcode as usually written, in capitals, of a district matching can place (for the API's
JSON schema to document and generate from); any case and spacing is accepted too."""


def _postcode(value: str) -> str:
    """The canonical postcode, refused like a malformed one unless matching can place its district
    (`together_kit.districts`: the same table and fallback, so what is accepted is matched)."""
    try:
        postcode = normalise_postcode(value)
        placed = districts.place(outward_code(postcode))
        if placed is None:
            raise InvalidPostcodeError
    except InvalidPostcodeError as error:
        raise ValueError(str(error)) from error
    if placed.fallback:
        log.info(districts.FALLBACK_EVENT, outward_code=placed.asked, district=placed.district)
    return postcode


def _district(value: str) -> str:
    """An outward code (`M1`, `cf10`) of a district matching can place, in capitals."""
    code = "".join(value.split()).upper()
    if not code or len(code) > 4 or districts.place(code) is None:
        raise ValueError("not a postcode district")
    return code


District = Annotated[
    str,
    Field(
        max_length=8,
        description="A postcode district (outward code) matching can place; any case is accepted.",
        json_schema_extra={"pattern": f"^(?:{districts.shipped().outward_pattern()})$"},
    ),
    AfterValidator(_district),
]


Postcode = Annotated[
    str,
    Field(
        max_length=16,
        description="A UK postcode; any case and spacing is accepted and stored as `SW1A 1AA`.",
        json_schema_extra={"pattern": WRITTEN_FORM},
    ),
    AfterValidator(_postcode),
]


def _e164(value: str) -> str:
    try:
        return e164(value)
    except NotAPhoneNumberError as error:
        raise PydanticCustomError("phone_number", "Not a phone number") from error


Phone = Annotated[
    str,
    BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v),
    Field(
        max_length=20,
        pattern=r"^\+?[0-9 ()-]{7,20}$",
        description="Any spacing is accepted; stored in E.164 (`+447700900982`).",
    ),
    AfterValidator(_e164),
]


def _in_order(chosen: list[Channel]) -> list[Channel]:
    return [channel for channel in ("email", "sms") if channel in chosen]


Channels = Annotated[
    list[Channel],
    Field(
        min_length=1,
        max_length=2,
        description="How to hear of invitations, reminders and changes: email, text (`sms`, "
        "which needs a UK mobile `phone`) or both.",
    ),
    AfterValidator(_in_order),
]


def _email_only() -> list[Channel]:
    return ["email"]


def texts_need_a_mobile(phone: str | None, channels: list[Channel] | None) -> str | None:
    """`phone` when it fits the channels chosen: texts need one, and a UK mobile (07…, +447…).
    Channels that did not validate are their own error."""
    if channels is None or "sms" not in channels:
        return phone
    if phone is None:
        raise ValueError("texts need a phone number")
    if not uk_mobile(phone):
        raise ValueError("texts need a UK mobile number (07… or +447…)")
    return phone


VOLUNTEER_EXAMPLE: dict[str, Any] = {
    "name": "Ann Jones",
    "email": "ann.jones@example.org",
    "postcode": "CF10 1AA",
    "channels": ["email", "sms"],
    "phone": "07700 900982",
    "interests": ["befriending-and-loneliness", "food-and-mutual-aid"],
    "availability": ["weekday-evenings", "weekends"],
    "travel_radius_km": 10,
    "language": "cy",
    "consent_matched_events": True,
    "consent_news": False,
    "connector": False,
}


class SignupCreate(BaseModel):
    """A volunteer joining; joining again with the same email changes the same person once the
    owner of the address confirms the change through the link emailed to it."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [dict(VOLUNTEER_EXAMPLE)]}
    )

    name: Annotated[str, single_line(200)]
    email: TypedEmail
    postcode: Postcode
    channels: Channels = Field(default_factory=_email_only)
    phone: Phone | None = Field(default=None, validate_default=True)
    interests: list[Interest] = Field(default_factory=list, max_length=len(Interest))
    availability: list[Availability] = Field(default_factory=list, max_length=len(Availability))
    travel_radius_km: int = Field(10, ge=1, le=200)
    language: Language = "en"
    consent_matched_events: bool = False
    consent_news: bool = False
    connector: bool = False

    @field_validator("phone")
    @classmethod
    def _fits_channels(cls, phone: str | None, info: ValidationInfo) -> str | None:
        return texts_need_a_mobile(phone, info.data.get("channels"))

    def details(self) -> VolunteerDetails:
        consents = {Consent.MATCHED_EVENTS} if self.consent_matched_events else set()
        if self.consent_news:
            consents.add(Consent.NEWS)
        return VolunteerDetails(
            name=self.name,
            email=self.email,
            postcode=self.postcode,
            outward_code=outward_code(self.postcode),
            phone=self.phone,
            interests=tuple(dict.fromkeys(self.interests)),
            availability=tuple(dict.fromkeys(self.availability)),
            travel_radius_km=self.travel_radius_km,
            language=self.language,
            consents=frozenset(consents),
            connector=self.connector,
            channels=tuple(self.channels),
        )


class ReachChange(BaseModel):
    """A signed-in volunteer's choice of how to hear from us, applied at once."""

    model_config = ConfigDict(extra="forbid")

    channels: Channels
    phone: Phone | None = Field(default=None, validate_default=True)

    @field_validator("phone")
    @classmethod
    def _fits_channels(cls, phone: str | None, info: ValidationInfo) -> str | None:
        return texts_need_a_mobile(phone, info.data.get("channels"))


class JoinAccepted(BaseModel):
    """The one answer to every join, whether the address is new, known or has had its emails for
    today, so that no answer tells anyone whether an address is known."""

    status: Literal["accepted"] = "accepted"
    detail: str = (
        "Thank you. We will email the address given (unless it has had several emails from us "
        "today). Nothing is confirmed, and nothing already held is changed, until the link in "
        "that email is followed."
    )


ORGANISATION_EXAMPLE: dict[str, Any] = {
    "name": "Riverside Community Kitchen",
    "organisation_type": "community-group",
    "contact_name": "Sam Patel",
    "contact_email": "sam@riverside.example.org",
    "postcode": "M1 1AE",
    "language": "en",
    "pledge": "We will host a monthly community lunch open to everyone in the neighbourhood.",
    "pledge_categories": ["food-and-mutual-aid", "community-events"],
    "pledge_districts": ["M1", "M4"],
}


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [ORGANISATION_EXAMPLE]}
    )

    name: Annotated[str, single_line(200)]
    organisation_type: OrganisationType
    contact_name: Annotated[str, single_line(200)]
    contact_email: TypedEmail
    postcode: Postcode
    language: Language = "en"
    pledge: Annotated[str, multi_line(2000)]
    pledge_categories: list[Interest] = Field(default_factory=list, max_length=len(Interest))
    pledge_districts: list[District] = Field(
        default_factory=list,
        max_length=MAX_DISTRICTS,
        description="Up to five postcode districts (outward codes) the pledge serves: "
        "organisations are told of calls to action there",
    )

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(
            name=self.name,
            organisation_type=self.organisation_type,
            contact_name=self.contact_name,
            contact_email=self.contact_email,
            postcode=self.postcode,
            outward_code=outward_code(self.postcode),
            language=self.language,
        )

    def pledge_made(self) -> Pledge:
        return Pledge(
            text=self.pledge,
            categories=tuple(dict.fromkeys(self.pledge_categories)),
            districts=districts_named(self.pledge_districts),
        )


class ProgressCreate(BaseModel):
    """A progress update on a published pledge, posted through its signed link."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, multi_line(2000)]


class ProgressLinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: TypedEmail


SIGNATURE_EXAMPLE: dict[str, Any] = {
    "name": "Ann Jones",
    "kind": "person",
    "town": "Cardiff",
    "email": "ann.jones@example.org",
    "nation": "wales",
    "public": True,
    "invite": True,
    "language": "cy",
}


class SignatureCreate(BaseModel):
    """A person or an organisation co-signing the open letter. The signature counts once the
    address is confirmed through the link emailed to it; an address signs once."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [SIGNATURE_EXAMPLE]})

    name: Annotated[str, single_line(200)] = Field(
        description="The person's name, or the organisation's"
    )
    kind: SignatoryKind
    town: Annotated[str, single_line(100)] | None = None
    email: TypedEmail
    nation: Nation = Field(description="Where the signatory is, for the counts by nation")
    public: bool = Field(default=False, description="Show the name and town on the public list")
    invite: bool = Field(
        default=False,
        description="Tell them about the national conversation and events near them",
    )
    language: Language = "en"

    def details(self) -> SignatoryDetails:
        return SignatoryDetails(
            name=self.name,
            kind=self.kind,
            email=self.email,
            nation=self.nation,
            town=self.town,
            public=self.public,
            invite=self.invite,
            language=self.language,
        )


class LetterCounts(BaseModel):
    """Confirmed signatures of the open letter, in all and by nation."""

    total: int
    by_nation: dict[Nation, int]


class PublicSignatory(BaseModel):
    name: str
    kind: SignatoryKind
    town: str | None


class SignatoriesPage(BaseModel):
    """A page of the public list: confirmed signatories who agreed to be shown, names and towns
    only, in the order they confirmed."""

    page: int
    pages: int
    total: int
    signatories: list[PublicSignatory]


class ConsentEntry(BaseModel):
    """One line of the consent ledger, as stored: what, given or withdrawn, on which wording,
    from where (`form`, `api`, `sms-reply:STOP`, `paper form, 2026-12-01, staff: …`), when."""

    consent: str
    granted: bool
    form_version: str
    source: str
    at: str


class VolunteerAdmin(BaseModel):
    """What an admin may read about a person."""

    id: UUID
    name: str
    email: str | None
    """None for someone staff signed up with a mobile alone."""
    postcode: str
    phone: str | None
    channels: list[Channel]
    status: str
    interests: list[Interest]
    availability: list[Availability]
    travel_radius_km: int
    language: Language
    consents: list[Consent]
    connector: bool
    joined_at: str
    confirmed_at: str | None
    consent_log: list[ConsentEntry] = Field(default_factory=list)


class ErasureStatus(BaseModel):
    id: UUID
    requested_at: str
    reason: str
    note: str | None = None
    """How the person asked, when they asked staff (`asked by letter, staff: …`)."""
    answered: dict[str, str]
    waiting_for: list[str]
    complete: bool


class AccessRequest(BaseModel):
    """Admin: export everything the services hold about this address (subject access)."""

    model_config = ConfigDict(extra="forbid")

    email: TypedEmail


class AccessPending(BaseModel):
    id: UUID
    waiting_for: list[str] = Field(description="Services that have not answered yet")


class AccessExport(BaseModel):
    """Everything held about the address, by service; served once, then deleted."""

    id: UUID
    requested_at: str
    held: dict[str, dict[str, Any]]
