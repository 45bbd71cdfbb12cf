"""Signing in to "My together", told by signups: the link goes to a known volunteer's address,
or by text to the mobile of one who joined with only that."""

from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Language


class SignInRequestedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "language": "cy",
                    "sign_in_url": "https://join.together.example/my/sign-in/eyJ…",
                    "channel": "sms",
                }
            ]
        }
    )

    person_id: UUID
    language: Language = "en"
    sign_in_url: str = Field(description="Single-use, short-lived link that signs them in")
    channel: Literal["email", "sms"] = Field(
        default="email",
        description="How the link goes: by email to their address or by text to their mobile",
    )


class SignInRequested(IntegrationEvent):
    """A volunteer asked to sign in (notifications knows how to reach them by `person_id`)."""

    type: Literal["person.sign_in_requested"] = "person.sign_in_requested"
    version: Literal[1] = 1
    data: SignInRequestedData
