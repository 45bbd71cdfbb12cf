"""Events about volunteers, told by signups.

Matching hears `volunteer.confirmed`, `volunteer.updated` and `volunteer.unsubscribed`, so those
carry no name, email, phone or full postcode: only the outward code and the profile.
"""

from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.emails import Email
from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Availability, Consent, Interest, Language
from together_contracts.texts import Channel


class VolunteerRegisteredData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "name": "Ann Jones",
                    "email": "ann.jones@example.org",
                    "language": "cy",
                    "confirm_url": "https://join.together.example/confirm/eyJ…",
                    "unsubscribe_url": "https://join.together.example/stop-emails/eyJ…",
                }
            ]
        }
    )

    person_id: UUID
    name: str = Field(min_length=1, max_length=200)
    email: Email | None = Field(
        default=None,
        description=(
            "None for someone staff signed up from a paper form or a phone call who gave only a "
            "UK mobile: then `phone` is set, `channels` is ['sms'], and they are confirmed at once"
        ),
    )
    language: Language = "en"
    confirm_url: str = Field(default="", description="Single-use link that confirms the address")
    unsubscribe_url: str = Field(default="", description="Link that withdraws email consent")
    phone: str | None = Field(
        default=None, max_length=20, description="E.164 (+44…), when they gave one"
    )
    channels: list[Channel] = Field(
        default_factory=lambda: list[Channel](["email"]),
        description="How they chose to hear of invitations, reminders and changes",
    )
    signed_up_by: str | None = Field(
        default=None,
        max_length=200,
        description="The first name of the staff member who signed them up (assisted entry)",
    )
    outward_code: str | None = Field(
        default=None,
        max_length=4,
        description="Their postcode district, for the welcome text of an assisted entry",
    )


class VolunteerRegistered(IntegrationEvent):
    """Someone joined, or joined again while still unconfirmed (at most once per 10 minutes):
    send them the confirmation link."""

    type: Literal["volunteer.registered"] = "volunteer.registered"
    version: Literal[1] = 1
    data: VolunteerRegisteredData


class VolunteerProfile(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outward_code": "CF10",
                    "interests": ["befriending-and-loneliness"],
                    "availability": ["weekends"],
                    "travel_radius_km": 10,
                    "language": "cy",
                    "connector": False,
                    "consents": ["matched-events"],
                }
            ]
        }
    )

    """What matching may know of a volunteer: where roughly, what, when, how far."""

    outward_code: str = Field(max_length=4, examples=["SW1A"])
    interests: list[Interest] = Field(default_factory=list)
    availability: list[Availability] = Field(default_factory=list)
    travel_radius_km: int = Field(ge=1, le=200)
    language: Language = "en"
    connector: bool = False
    consents: list[Consent] = Field(default_factory=list)


class VolunteerConfirmedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "profile": {
                        "outward_code": "CF10",
                        "interests": ["befriending-and-loneliness"],
                        "availability": ["weekends"],
                        "travel_radius_km": 10,
                        "language": "cy",
                        "connector": False,
                        "consents": ["matched-events"],
                    },
                }
            ]
        }
    )

    person_id: UUID
    profile: VolunteerProfile


class VolunteerConfirmed(IntegrationEvent):
    """A volunteer followed their confirmation link: they may now be matched and told of events."""

    type: Literal["volunteer.confirmed"] = "volunteer.confirmed"
    version: Literal[1] = 1
    data: VolunteerConfirmedData


class VolunteerUpdatedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "confirmed": True,
                    "profile": {
                        "outward_code": "CF10",
                        "interests": ["sport"],
                        "availability": ["weekday-evenings"],
                        "travel_radius_km": 5,
                        "language": "en",
                        "connector": True,
                        "consents": ["matched-events", "news"],
                    },
                }
            ]
        }
    )

    person_id: UUID
    confirmed: bool
    profile: VolunteerProfile


class VolunteerUpdated(IntegrationEvent):
    """A volunteer's changed details took effect: the owner of the address confirmed them through
    the emailed link. The profile is the whole new one."""

    type: Literal["volunteer.updated"] = "volunteer.updated"
    version: Literal[1] = 1
    data: VolunteerUpdatedData


class VolunteerUnsubscribedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "withdrawn": ["matched-events", "news"],
                    "source": "link",
                }
            ]
        }
    )

    person_id: UUID
    withdrawn: list[Consent]
    source: Literal["link", "form", "api", "notifications"] = "link"


class VolunteerUnsubscribed(IntegrationEvent):
    """A volunteer withdrew consent to email: send them nothing more of what they withdrew."""

    type: Literal["volunteer.unsubscribed"] = "volunteer.unsubscribed"
    version: Literal[1] = 1
    data: VolunteerUnsubscribedData


class VolunteerChangeRequestedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "email": "ann.jones@example.org",
                    "language": "cy",
                    "confirm_url": "https://join.together.example/confirm/eyJ…",
                }
            ]
        }
    )

    person_id: UUID
    email: Email
    language: Language = "en"
    confirm_url: str = Field(description="Single-use link to the page that applies the change")


class VolunteerChangeRequested(IntegrationEvent):
    """Someone joined again with an address we know and different details: nothing changes
    until the address's owner confirms them through the emailed link. It carries no name or
    other details given with the change, since whoever sent them may not own the address."""

    type: Literal["volunteer.change_requested"] = "volunteer.change_requested"
    version: Literal[1] = 1
    data: VolunteerChangeRequestedData


class VolunteerContactChangedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "name": "Ann Morgan",
                    "language": "cy",
                }
            ]
        }
    )

    person_id: UUID
    name: str = Field(min_length=1, max_length=200)
    language: Language = "en"
    phone: str | None = Field(
        default=None, max_length=20, description="E.164; read only when `channels` is given"
    )
    channels: list[Channel] | None = Field(
        default=None,
        description="The channels now chosen, with `phone` the number now held; None: unchanged",
    )


class VolunteerContactChanged(IntegrationEvent):
    """The owner of a volunteer's address confirmed a new name or language: write to them so
    from now on. Only notifications hears it (it carries a name, which matching must not see)."""

    type: Literal["volunteer.contact_changed"] = "volunteer.contact_changed"
    version: Literal[1] = 1
    data: VolunteerContactChangedData
