"""Events about organisations and their pledges, told by signups."""

from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, EmailStr, Field

from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Interest, Language, OrganisationType


class OrganisationJoinedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": "00000000-0000-4000-8000-000000000002",
                    "name": "Riverside Community Kitchen",
                    "organisation_type": "community-group",
                    "contact_name": "Sam Patel",
                    "contact_email": "sam@riverside.example.org",
                    "outward_code": "M1",
                    "language": "en",
                    "confirm_url": "https://join.together.example/confirm/eyJ…",
                }
            ]
        }
    )

    organisation_id: UUID
    name: str = Field(min_length=1, max_length=200)
    organisation_type: OrganisationType
    contact_name: str = Field(min_length=1, max_length=200)
    contact_email: EmailStr
    outward_code: str = Field(max_length=4)
    language: Language = "en"
    confirm_url: str = Field(
        default="", description="Single-use link the contact follows to confirm"
    )


class OrganisationJoined(IntegrationEvent):
    """A community group, charity, faith group, business or public body joined the coalition;
    its contact is sent the link that confirms the address and makes the pledge public."""

    type: Literal["organisation.joined"] = "organisation.joined"
    version: Literal[1] = 1
    data: OrganisationJoinedData


class PledgeMadeData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "pledge_id": "00000000-0000-4000-8000-000000000003",
                    "organisation_id": "00000000-0000-4000-8000-000000000002",
                    "organisation_name": "Riverside Community Kitchen",
                    "text": "A monthly community lunch open to everyone.",
                    "categories": ["food-and-mutual-aid"],
                }
            ]
        }
    )

    pledge_id: UUID
    organisation_id: UUID
    organisation_name: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=2000)
    categories: list[Interest] = Field(default_factory=list)
    language: Language = Field(default="en", description="The language the pledge is written in")
    outward_code: str | None = Field(default=None, max_length=4)


class PledgeMade(IntegrationEvent):
    """An organisation confirmed its pledge of what it will do for the decade of reconnection;
    moderation screens it and a moderator decides it before it is public."""

    type: Literal["pledge.made"] = "pledge.made"
    version: Literal[1] = 1
    data: PledgeMadeData


class PledgeOutcomeData(EventData):
    """A moderator's decision on a pledge: what to publish if approved, the reason if rejected.
    No contact details: notifications reaches the contact it kept from `organisation.joined`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "pledge_id": "00000000-0000-4000-8000-000000000003",
                    "organisation_id": "00000000-0000-4000-8000-000000000002",
                    "organisation_name": "Riverside Community Kitchen",
                    "text": "A monthly community lunch open to everyone.",
                    "reason": None,
                }
            ]
        }
    )

    pledge_id: UUID
    organisation_id: UUID
    organisation_name: str = Field(
        max_length=200, description="The name to publish (as sent, or as a moderator redacted it)"
    )
    text: str = Field(
        max_length=5000,
        description="The pledge to publish (as sent, or redacted); empty if rejected",
    )
    reason: str | None = Field(default=None, max_length=500)


class PledgeApproved(IntegrationEvent):
    """A moderator approved a pledge (perhaps with redactions): signups shows it on /pledges."""

    type: Literal["pledge.approved"] = "pledge.approved"
    version: Literal[1] = 1
    data: PledgeOutcomeData


class PledgeRejected(IntegrationEvent):
    """A moderator rejected a pledge, with a reason from the list: it is not (or no longer) shown."""

    type: Literal["pledge.rejected"] = "pledge.rejected"
    version: Literal[1] = 1
    data: PledgeOutcomeData
