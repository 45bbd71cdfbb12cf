"""Events about messages notifications sent, or could not send (its delivery log, told outward)."""

from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.envelope import EventData, IntegrationEvent

Channel = Literal["email", "webhook", "sms"]
"""How a message went: email over SMTP, a signed webhook, or a text (SMS) through a provider."""


class NotificationSentData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "message_id": "3f1c0e5e8f2a4c8f9d1e6b7a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d",
                    "template": "volunteer_confirm",
                    "channel": "email",
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "cause_event_id": "00000000-0000-4000-8000-000000000020",
                    "attempts": 1,
                }
            ]
        }
    )

    message_id: str = Field(
        description="The delivery log's key for (event id, recipient, template)"
    )
    template: str
    channel: Channel = "email"
    person_id: UUID | None = None
    cause_event_id: UUID
    attempts: int = Field(ge=1)


class NotificationSent(IntegrationEvent):
    """A message was handed to its channel: the SMTP server accepted it, or (told after a crash
    of the sender) its final dot had gone and the reply was not seen."""

    type: Literal["notification.sent"] = "notification.sent"
    version: Literal[1] = 1
    data: NotificationSentData


class NotificationFailedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "message_id": "3f1c0e5e8f2a4c8f9d1e6b7a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d",
                    "template": "volunteer_confirm",
                    "channel": "email",
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "cause_event_id": "00000000-0000-4000-8000-000000000020",
                    "attempts": 5,
                    "permanent": False,
                    "reason": "451 4.3.0",
                }
            ]
        }
    )

    message_id: str
    template: str
    channel: Channel = "email"
    person_id: UUID | None = None
    cause_event_id: UUID
    attempts: int = Field(ge=1)
    permanent: bool = Field(
        description="The server refused the address (5xx): it is suppressed from now on"
    )
    reason: str = Field(
        max_length=500,
        description="The SMTP reply code and enhanced status code only (`550 5.1.1`), never the "
        "reply's text, which may name the address",
    )


class NotificationFailed(IntegrationEvent):
    """A message could not be delivered: temporary failures outlasted their retries, or the
    server refused it for good. No address is carried; the delivery log has the details."""

    type: Literal["notification.failed"] = "notification.failed"
    version: Literal[1] = 1
    data: NotificationFailedData
