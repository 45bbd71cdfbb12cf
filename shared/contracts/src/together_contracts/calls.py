"""Calls to action, told by matching: a postcode district whose confirmed volunteers have had no
event in reach for weeks, until events are published there. Districts and counts only: no
volunteer is named."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.envelope import EventData, IntegrationEvent

_CALL = "00000000-0000-4000-8000-0000000000c1"


class CallOpenedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "call_id": _CALL,
                    "outward_code": "LL57",
                    "volunteers": 12,
                    "reach_km": 10,
                    "gap_since": "2027-05-03T06:00:00Z",
                    "opened_at": "2027-05-31T06:00:00Z",
                }
            ]
        }
    )

    call_id: UUID
    outward_code: str = Field(min_length=2, max_length=4)
    volunteers: int = Field(ge=1, description="Confirmed volunteers in the district when it opened")
    reach_km: float = Field(gt=0, description="How far an event may be and still count as near")
    gap_since: datetime = Field(description="Since when no event has been in reach")
    opened_at: datetime


class CallOpened(IntegrationEvent):
    """A district's volunteers have had no event in reach for the weeks the coalition allows:
    its connectors and the organisations serving it are asked to put one on."""

    type: Literal["call.opened"] = "call.opened"
    version: Literal[1] = 1
    data: CallOpenedData


class CallClosedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "call_id": _CALL,
                    "outward_code": "LL57",
                    "opened_at": "2027-05-31T06:00:00Z",
                    "closed_at": "2027-06-14T06:00:00Z",
                    "events_in_reach": 1,
                }
            ]
        }
    )

    call_id: UUID
    outward_code: str = Field(min_length=2, max_length=4)
    opened_at: datetime
    closed_at: datetime
    events_in_reach: int = Field(
        ge=0, description="Upcoming events in reach when it closed (0: no volunteers are left)"
    )


class CallClosed(IntegrationEvent):
    """A call to action is answered: an event is published in reach of the district (or no
    confirmed volunteer is left there)."""

    type: Literal["call.closed"] = "call.closed"
    version: Literal[1] = 1
    data: CallClosedData
