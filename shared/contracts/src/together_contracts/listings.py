"""Event listings: matching asks, moderation decides."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Interest

_EVENT = "00000000-0000-4000-8000-000000000020"


class EventSubmittedData(EventData):
    """What a moderator needs to judge a listing; no organiser contact details."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event_id": _EVENT,
                    "title": "Community lunch",
                    "description": "Soup and chat.",
                    "event_type": "food-and-mutual-aid",
                    "starts_at": "2026-12-05T12:00:00Z",
                    "ends_at": "2026-12-05T14:00:00Z",
                    "outward_code": "M1",
                    "online": False,
                    "places": 6,
                    "roles": ["Setting up", "Serving", "Clearing away"],
                }
            ]
        }
    )

    event_id: UUID
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(max_length=5000)
    event_type: Interest
    starts_at: datetime
    ends_at: datetime
    outward_code: str | None = Field(default=None, max_length=4)
    online: bool = False
    places: int = Field(ge=1)
    roles: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="What the organiser asks volunteers to do; empty from older producers",
    )


class EventSubmitted(IntegrationEvent):
    """An organiser listed a community event; it waits for moderation before it is public."""

    type: Literal["event.submitted"] = "event.submitted"
    version: Literal[1] = 1
    data: EventSubmittedData


class ListingDecisionData(EventData):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"event_id": _EVENT, "reason": None}]}
    )

    event_id: UUID
    reason: str | None = Field(default=None, max_length=500)


class ListingApproved(IntegrationEvent):
    """A moderator approved an event listing: matching may publish it."""

    type: Literal["listing.approved"] = "listing.approved"
    version: Literal[1] = 1
    data: ListingDecisionData


class ListingRejected(IntegrationEvent):
    """A moderator rejected an event listing, with the reason."""

    type: Literal["listing.rejected"] = "listing.rejected"
    version: Literal[1] = 1
    data: ListingDecisionData


class ListingWithdrawnData(EventData):
    """The lead's reason stays inside moderation; matching only needs to know which event."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"event_id": _EVENT}]})

    event_id: UUID


class ListingWithdrawn(IntegrationEvent):
    """A lead took down an approved listing: matching unpublishes the event and stops matching
    it (people with a place are told it is cancelled)."""

    type: Literal["listing.withdrawn"] = "listing.withdrawn"
    version: Literal[1] = 1
    data: ListingWithdrawnData
