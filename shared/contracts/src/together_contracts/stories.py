"""Events about stories shared through moderation; only approved text ever leaves it for the public."""

from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.emails import Email
from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Language

Prompt = Literal["lockdown", "unites-us", "divides-us", "closer"]


class StorySubmittedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "story_id": "00000000-0000-4000-8000-000000000010",
                    "prompt": "unites-us",
                    "region": "CF10",
                    "language": "cy",
                    "flags": ["link"],
                    "safeguarding": False,
                }
            ]
        }
    )

    story_id: UUID
    prompt: Prompt
    region: str = Field(max_length=40)
    language: Language = "en"
    flags: list[str] = Field(default_factory=list, description="What automatic screening found")
    safeguarding: bool = False


class StorySubmitted(IntegrationEvent):
    """A story was shared and awaits a moderator; its text stays inside moderation."""

    type: Literal["story.submitted"] = "story.submitted"
    version: Literal[1] = 1
    data: StorySubmittedData


class StoryOutcomeData(EventData):
    """Sent to notifications only when the author left an email and asked to hear the outcome."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "story_id": "00000000-0000-4000-8000-000000000010",
                    "title": "The street choir",
                    "author_email": "ann@example.org",
                    "author_name": "Ann",
                    "language": "en",
                    "reason": None,
                    "public_url": "https://share.together.example/stories#s10",
                }
            ]
        }
    )

    story_id: UUID
    title: str = Field(max_length=200)
    author_email: Email | None = None
    author_name: str | None = Field(default=None, max_length=100)
    language: Language = "en"
    reason: str | None = Field(default=None, max_length=500)
    public_url: str | None = None
    reply_ref: UUID | None = Field(
        default=None,
        description="Sent by text (`text.received`): notifications texts the outcome to the number "
        "this refers to",
    )
    withdraw_url: str | None = Field(
        default=None,
        description="With `story.approved`: the author's signed link to take the story down",
    )


class StoryApproved(IntegrationEvent):
    """A moderator approved a story (perhaps with redactions); it is now public."""

    type: Literal["story.approved"] = "story.approved"
    version: Literal[1] = 1
    data: StoryOutcomeData


class StoryRejected(IntegrationEvent):
    """A moderator rejected a story, with a reason from the list."""

    type: Literal["story.rejected"] = "story.rejected"
    version: Literal[1] = 1
    data: StoryOutcomeData


class StoryHeld(IntegrationEvent):
    """Screening found a possible safeguarding disclosure: a lead must decide; if the author left an
    email, notifications sends a kind holding message with signposting."""

    type: Literal["story.held"] = "story.held"
    version: Literal[1] = 1
    data: StoryOutcomeData


class StoryWithdrawnData(EventData):
    """No text and no reason: a lead's reason for a take-down stays inside moderation."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"story_id": "00000000-0000-4000-8000-000000000010", "by": "author"}]
        }
    )

    story_id: UUID
    by: Literal["lead", "author", "erasure"]
    """`erasure`: its author asked to be forgotten (issue 16)."""


class StoryWithdrawn(IntegrationEvent):
    """A published story was taken down, by a lead, by its author or by its author's erasure; it
    is no longer public."""

    type: Literal["story.withdrawn"] = "story.withdrawn"
    version: Literal[1] = 1
    data: StoryWithdrawnData


class BacklogAlertData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "item_id": "00000000-0000-4000-8000-000000000011",
                    "kind": "story",
                    "safeguarding": True,
                    "age_hours": 4.5,
                    "target_hours": 4,
                    "lead_emails": ["lead@together.example"],
                }
            ]
        }
    )

    item_id: UUID
    kind: Literal["story", "listing", "pledge", "statement", "thanks", "recording"]
    safeguarding: bool
    age_hours: float
    target_hours: float
    lead_emails: list[Email] = Field(default_factory=list)


class BacklogAlert(IntegrationEvent):
    """A pending item passed its time target (told once per item): leads are alerted by email."""

    type: Literal["moderation.backlog_alert"] = "moderation.backlog_alert"
    version: Literal[1] = 1
    data: BacklogAlertData
