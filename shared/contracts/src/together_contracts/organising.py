"""Events between an event's organiser and the people with a place, told by matching.

The organiser reaches people only through notifications: a message names the people by id, and
notifications writes to each without showing anyone's address to anyone.
"""

from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.emails import Email
from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.matches import _EVENT, _MATCH, _PERSON, _SUMMARY, EventSummary
from together_contracts.taxonomy import Language


class OrganiserLinkRequestedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event_id": _EVENT,
                    "title": "Community lunch",
                    "organiser_email": "sam@riverside.example.org",
                    "organiser_name": "Sam Patel",
                    "language": "en",
                    "manage_url": "https://events.together.example/events/manage/eyJ…",
                    "reason": "submitted",
                }
            ]
        }
    )

    event_id: UUID
    title: str = Field(min_length=1, max_length=200)
    organiser_email: Email
    organiser_name: str = Field(default="", max_length=200)
    language: Language = "en"
    manage_url: str = Field(description="The organiser's page of this event (signed)")
    reason: Literal["submitted", "requested"] = "submitted"


class OrganiserLinkRequested(IntegrationEvent):
    """An organiser listed an event, or asked again for their page: email them its link."""

    type: Literal["organiser.link_requested"] = "organiser.link_requested"
    version: Literal[1] = 1
    data: OrganiserLinkRequestedData


class EventMessagePostedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event": _SUMMARY,
                    "organiser_first_name": "Sam",
                    "text": "Bring a warm coat: we will be outside for the first hour.",
                    "accepted": [_PERSON],
                }
            ]
        }
    )

    event: EventSummary
    organiser_first_name: str = Field(default="", max_length=100)
    text: str = Field(min_length=1, max_length=1000)
    accepted: list[UUID] = Field(description="Everyone with a place when it was sent")


class EventMessagePosted(IntegrationEvent):
    """The organiser wrote to everyone with a place: notifications sends it to each."""

    type: Literal["event.message_posted"] = "event.message_posted"
    version: Literal[1] = 1
    data: EventMessagePostedData


class MatchSharingChangedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "match_id": _MATCH,
                    "event_id": _EVENT,
                    "person_id": _PERSON,
                    "share_contact": False,
                }
            ]
        }
    )

    match_id: UUID
    event_id: UUID
    person_id: UUID
    share_contact: bool


class MatchSharingChanged(IntegrationEvent):
    """A volunteer with a place let the organiser see their email, or took that back."""

    type: Literal["match.sharing_changed"] = "match.sharing_changed"
    version: Literal[1] = 1
    data: MatchSharingChangedData
