"""Events about the thank-you wall (issue 22): people thank key workers and neighbours for 5 July,
each thank-you moderated like a story. Only approved text is ever public; the author's email
leaves moderation only to tell them the outcome they asked for."""

from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.emails import Email
from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Language

Worker = Literal[
    "nhs-care",
    "shops-delivery",
    "schools",
    "transport",
    "emergency",
    "volunteers",
    "neighbours",
    "other",
]
"""Who is thanked: NHS and care staff, shop and delivery workers, teachers and school staff,
transport workers, emergency services, volunteers, neighbours, anyone else."""
Nation = Literal["England", "Northern Ireland", "Scotland", "Wales"]


class ThanksSubmittedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "thanks_id": "00000000-0000-4000-8000-000000000030",
                    "worker": "nhs-care",
                    "region": "CF14",
                    "nation": "Wales",
                    "language": "en",
                    "flags": [],
                    "safeguarding": False,
                }
            ]
        }
    )

    thanks_id: UUID
    worker: Worker
    region: str = Field(max_length=40)
    nation: Nation | None = None
    language: Language = "en"
    flags: list[str] = Field(default_factory=list, description="What automatic screening found")
    safeguarding: bool = False


class ThanksSubmitted(IntegrationEvent):
    """A thank-you was posted and awaits a moderator; its words stay inside moderation."""

    type: Literal["thanks.submitted"] = "thanks.submitted"
    version: Literal[1] = 1
    data: ThanksSubmittedData


class ThanksOutcomeData(EventData):
    """`author_email` only when the author left one and asked to hear the outcome."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "thanks_id": "00000000-0000-4000-8000-000000000030",
                    "who": "The night team on Ward 7",
                    "author_email": "ann@example.org",
                    "author_name": "Ann",
                    "language": "en",
                    "reason": None,
                    "public_url": "https://together.example/thanks/00000000-0000-4000-8000-000000000030",
                }
            ]
        }
    )

    thanks_id: UUID
    who: str = Field(max_length=200, description="Who is thanked, as published")
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


class ThanksApproved(IntegrationEvent):
    """A moderator approved a thank-you (perhaps with redactions); it is on the wall."""

    type: Literal["thanks.approved"] = "thanks.approved"
    version: Literal[1] = 1
    data: ThanksOutcomeData


class ThanksRejected(IntegrationEvent):
    """A moderator rejected a thank-you, with a reason from the list."""

    type: Literal["thanks.rejected"] = "thanks.rejected"
    version: Literal[1] = 1
    data: ThanksOutcomeData


class ThanksWithdrawnData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"thanks_id": "00000000-0000-4000-8000-000000000030", "by": "erasure"}]
        }
    )

    thanks_id: UUID
    by: Literal["lead", "erasure"]


class ThanksWithdrawn(IntegrationEvent):
    """A published thank-you was taken down by a lead or by its author's erasure."""

    type: Literal["thanks.withdrawn"] = "thanks.withdrawn"
    version: Literal[1] = 1
    data: ThanksWithdrawnData
