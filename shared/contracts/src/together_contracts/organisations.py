"""Events about organisations and their pledges, told by signups."""

from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.emails import Email
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
    contact_email: Email
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
                    "districts": ["M1", "M4"],
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
    districts: list[Annotated[str, Field(max_length=4)]] = Field(
        default_factory=list,
        max_length=5,
        description="The postcode districts (outward codes) the pledge serves, if it names any",
    )


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


class PledgePublishedData(EventData):
    """Told by signups once it shows an approved pledge: the districts it serves (for calls to
    action there) and the signed link through which the contact posts progress. No contact
    details: notifications reaches the contact it kept from `organisation.joined`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "pledge_id": "00000000-0000-4000-8000-000000000003",
                    "organisation_id": "00000000-0000-4000-8000-000000000002",
                    "organisation_name": "Riverside Community Kitchen",
                    "districts": ["M1", "M4"],
                    "progress_url": "https://join.together.example/pledges/progress/eyJ…",
                    "public_url": "https://join.together.example/pledges/00000000-0000-4000-8000-000000000003",
                }
            ]
        }
    )

    pledge_id: UUID
    organisation_id: UUID
    organisation_name: str = Field(max_length=200)
    districts: list[Annotated[str, Field(max_length=4)]] = Field(default_factory=list, max_length=5)
    progress_url: str = Field(description="Signed link to the form for progress updates")
    public_url: str = Field(description="The pledge's public page")


class PledgePublished(IntegrationEvent):
    """Signups shows an approved pledge on its page: its contact is sent the progress link, and
    organisations naming districts are told of calls to action there (at most monthly)."""

    type: Literal["pledge.published"] = "pledge.published"
    version: Literal[1] = 1
    data: PledgePublishedData


class PledgeProgressLinkRequested(IntegrationEvent):
    """An organisation's contact asked for the progress link again (by the address signups
    holds): notifications sends it to the contact it kept."""

    type: Literal["pledge.progress_link_requested"] = "pledge.progress_link_requested"
    version: Literal[1] = 1
    data: PledgePublishedData


class PledgeUpdateSubmittedData(EventData):
    """A progress update on a published pledge, posted through the contact's signed link: the
    organisation's own words about what it did, never personal details of the contact."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "update_id": "00000000-0000-4000-8000-000000000040",
                    "pledge_id": "00000000-0000-4000-8000-000000000003",
                    "organisation_id": "00000000-0000-4000-8000-000000000002",
                    "organisation_name": "Riverside Community Kitchen",
                    "text": "Our first six lunches fed 240 neighbours.",
                    "language": "en",
                }
            ]
        }
    )

    update_id: UUID
    pledge_id: UUID
    organisation_id: UUID
    organisation_name: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=2000)
    language: Language = "en"


class PledgeUpdateSubmitted(IntegrationEvent):
    """An organisation posted progress on its pledge; moderation screens it and a moderator
    decides it (queue kind `pledge-update`) before it is shown on the pledge's page."""

    type: Literal["pledge.update_submitted"] = "pledge.update_submitted"
    version: Literal[1] = 1
    data: PledgeUpdateSubmittedData


class PledgeUpdateOutcomeData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "update_id": "00000000-0000-4000-8000-000000000040",
                    "pledge_id": "00000000-0000-4000-8000-000000000003",
                    "organisation_id": "00000000-0000-4000-8000-000000000002",
                    "text": "Our first six lunches fed 240 neighbours.",
                    "reason": None,
                }
            ]
        }
    )

    update_id: UUID
    pledge_id: UUID
    organisation_id: UUID
    text: str = Field(
        max_length=5000, description="The update to publish (as sent, or redacted); empty if not"
    )
    reason: str | None = Field(default=None, max_length=500)


class PledgeUpdateApproved(IntegrationEvent):
    """A moderator approved a progress update (perhaps redacted): signups shows it on the
    pledge's page."""

    type: Literal["pledge.update_approved"] = "pledge.update_approved"
    version: Literal[1] = 1
    data: PledgeUpdateOutcomeData


class PledgeUpdateRejected(IntegrationEvent):
    """A moderator rejected a progress update (or took it down): it is not (or no longer) shown."""

    type: Literal["pledge.update_rejected"] = "pledge.update_rejected"
    version: Literal[1] = 1
    data: PledgeUpdateOutcomeData
