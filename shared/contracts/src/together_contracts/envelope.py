"""The envelope every event travels in (see docs/adr/0003-messaging.md)."""

from datetime import UTC, datetime
from typing import ClassVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

EXCHANGE = "together.events"
"""The one durable topic exchange; the routing key of every event is its `type`."""


class EventData(BaseModel):
    """Payload of one event type at one version. Changes are additive; a breaking one is a new version."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class IntegrationEvent(BaseModel):
    """A fact in the past tense. Subclasses pin `type` and `version` with `Literal`s and type `data`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    routing_key: ClassVar[str]

    id: UUID = Field(default_factory=uuid4)
    type: str
    version: int
    occurred_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    correlation_id: str
    causation_id: UUID | None = None
    data: EventData

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: object) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        default = cls.model_fields["type"].default
        if isinstance(default, str):
            cls.routing_key = default

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)
