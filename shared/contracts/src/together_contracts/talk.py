"""Events about the national conversation (talk/together): statements people add, moderated like
stories. A statement's text leaves moderation only once approved; votes never leave it."""

from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Language


class StatementSubmittedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "statement_id": "00000000-0000-4000-8000-000000000020",
                    "conversation_id": "00000000-0000-4000-8000-000000000021",
                    "language": "en",
                    "flags": [],
                    "safeguarding": False,
                }
            ]
        }
    )

    statement_id: UUID
    conversation_id: UUID
    language: Language = "en"
    flags: list[str] = Field(default_factory=list, description="What automatic screening found")
    safeguarding: bool = False


class StatementSubmitted(IntegrationEvent):
    """A statement was added to a conversation and awaits a moderator; its text stays inside."""

    type: Literal["statement.submitted"] = "statement.submitted"
    version: Literal[1] = 1
    data: StatementSubmittedData


class StatementDecisionData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "statement_id": "00000000-0000-4000-8000-000000000020",
                    "conversation_id": "00000000-0000-4000-8000-000000000021",
                    "text": "Neighbours checking on each other should carry on.",
                    "reason": None,
                }
            ]
        }
    )

    statement_id: UUID
    conversation_id: UUID
    text: str | None = Field(
        None, max_length=140, description="The statement as published (approved only)"
    )
    reason: str | None = None


class StatementApproved(IntegrationEvent):
    """A statement was approved: people may vote on it."""

    type: Literal["statement.approved"] = "statement.approved"
    version: Literal[1] = 1
    data: StatementDecisionData


class StatementRejected(IntegrationEvent):
    type: Literal["statement.rejected"] = "statement.rejected"
    version: Literal[1] = 1
    data: StatementDecisionData
