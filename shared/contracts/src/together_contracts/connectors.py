"""Community connectors: volunteers who work locally to bring people together, from their first
interest to active in a district (issue 22). Signups tells who is interested; the coalition's
coordinators (in moderation) move them along the path, and each step is told to the connector
(notifications) and to matching (which districts have an active connector)."""

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.emails import Email
from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Language

_PERSON = "00000000-0000-4000-8000-000000000001"


class ConnectorState(StrEnum):
    """The path: interested, a welcome call booked, trained (the safeguarding basics), active in
    one or more districts; paused or stepped down at any time after."""

    INTERESTED = "interested"
    CALL_BOOKED = "call-booked"
    TRAINED = "trained"
    ACTIVE = "active"
    PAUSED = "paused"
    STEPPED_DOWN = "stepped-down"


class ConnectorInterestedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": _PERSON,
                    "name": "Alex Jones",
                    "email": "alex@example.org",
                    "phone": "07700 900123",
                    "outward_code": "LL57",
                    "language": "cy",
                    "source": "join-form",
                }
            ]
        }
    )

    person_id: UUID
    name: str = Field(min_length=1, max_length=200)
    email: Email
    phone: str | None = Field(default=None, max_length=40)
    outward_code: str = Field(min_length=2, max_length=4, description="Where they live")
    language: Language = "en"
    source: Literal["join-form", "invitation"] = Field(
        description="The join form's tick, or the invitation in the email to the unmatched"
    )


class ConnectorInterested(IntegrationEvent):
    """A confirmed volunteer wants to be a community connector: the coordinators are to call
    them. Carries how to reach them, for the coordinators alone."""

    type: Literal["connector.interested"] = "connector.interested"
    version: Literal[1] = 1
    data: ConnectorInterestedData


class ConnectorMovedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": _PERSON,
                    "state": "active",
                    "previous": "trained",
                    "districts": ["LL57", "LL55"],
                    "call_at": None,
                    "language": "cy",
                    "moved_at": "2027-06-01T09:00:00Z",
                }
            ]
        }
    )

    person_id: UUID
    state: ConnectorState
    previous: ConnectorState | None = Field(description="None for the first step")
    districts: list[str] = Field(
        default_factory=list, description="Outward codes they are active in (when active)"
    )
    call_at: datetime | None = Field(default=None, description="When the welcome call is")
    language: Language = "en"
    moved_at: datetime


class ConnectorMoved(IntegrationEvent):
    """A coordinator moved a connector along the path (or back): the connector is told, and
    matching learns which districts have an active connector. No name or address."""

    type: Literal["connector.moved"] = "connector.moved"
    version: Literal[1] = 1
    data: ConnectorMovedData
