"""Request and response models of talk/together's JSON API (domain.talk)."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from together_contracts import Language
from together_kit.http.text import multi_line, single_line

from moderation.domain.hosted import MAX_HOST_NAME
from moderation.domain.regions import REGIONS
from moderation.domain.talk import (
    AGE_BANDS,
    MAX_DESCRIPTION,
    MAX_QUESTION,
    MAX_SEEDS,
    MAX_STATEMENT,
    Conversation,
    Statement,
    VoteValue,
)

StatementText = Annotated[str, single_line(MAX_STATEMENT)]
REGION_NAMES = tuple(REGIONS)
AGE_BAND_NAMES = AGE_BANDS


class ConversationCreate(BaseModel):
    """A conversation a lead opens: its question, what it is about and the first statements."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "question": "What would bring your community closer after lockdown?",
                    "description": "Add what you think in a sentence; vote on what others think.",
                    "seeds": [
                        "Neighbours checking on each other should carry on.",
                        "Local high streets matter more than ever.",
                    ],
                    "closes_at": None,
                    "language": "en",
                }
            ]
        },
    )

    question: Annotated[str, single_line(MAX_QUESTION)]
    description: Annotated[str, multi_line(MAX_DESCRIPTION, min_length=0)] = ""
    seeds: list[StatementText] = Field(default_factory=list, max_length=MAX_SEEDS)
    closes_at: datetime | None = None
    language: Language = "en"


class StatementPublic(BaseModel):
    id: UUID
    text: str
    seed: bool

    @classmethod
    def of(cls, statement: Statement) -> "StatementPublic":
        return cls(id=statement.id, text=statement.text, seed=statement.seed)


class ConversationSummary(BaseModel):
    id: UUID
    question: str
    open: bool
    closes_at: datetime | None
    language: Language


class HostedVoices(BaseModel):
    conversations: int = Field(description="Conversations held in rooms and recorded by hosts")
    people: int = Field(description="How many took part in them")


class ConversationPublic(ConversationSummary):
    description: str
    statements: list[StatementPublic]
    waiting: int = Field(description="Participants' statements still with the moderators")
    hosted: HostedVoices = HostedVoices(conversations=0, people=0)

    @classmethod
    def of(
        cls,
        conversation: Conversation,
        statements: list[Statement],
        *,
        now: datetime,
        waiting: int,
        hosted: tuple[int, int] = (0, 0),
    ) -> "ConversationPublic":
        return cls(
            **summary(conversation, now=now).model_dump(),
            description=conversation.description,
            statements=[StatementPublic.of(s) for s in statements],
            waiting=waiting,
            hosted=HostedVoices(conversations=hosted[0], people=hosted[1]),
        )


def summary(conversation: Conversation, *, now: datetime) -> ConversationSummary:
    return ConversationSummary(
        id=conversation.id,
        question=conversation.question,
        open=conversation.open_at(now),
        closes_at=conversation.closes_at,
        language="cy" if conversation.language == "cy" else "en",
    )


class HostCreate(BaseModel):
    """A host of conversations in rooms: an organisation or community connector, by the name the
    conversation's page may show."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Grangetown Community Centre"}]}
    )

    name: Annotated[str, single_line(MAX_HOST_NAME)]


class HostInvited(BaseModel):
    id: UUID
    name: str
    link: str = Field(description="For the host alone: records conversations held in rooms")


class StatementCreate(BaseModel):
    """A participant's statement: a moderator reads it before anyone votes on it."""

    model_config = ConfigDict(extra="forbid")

    text: StatementText
    language: Language = "en"


class StatementReceived(BaseModel):
    id: UUID
    status: str = "pending"


class VoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vote: VoteValue


class AboutMe(BaseModel):
    """What a participant may tell about themselves, once, both optional: shown only as counts by
    region in the results and the open data (the age band never leaves)."""

    model_config = ConfigDict(extra="forbid")

    region: Literal[REGION_NAMES] | None = None  # type: ignore[valid-type]
    age_band: Literal[AGE_BAND_NAMES] | None = None  # type: ignore[valid-type]


class NextStatement(BaseModel):
    statement: StatementPublic | None = Field(description="None once every statement is voted on")
    voted: int
    total: int


Results = dict[str, Any]
