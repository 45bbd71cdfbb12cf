"""Signing in to "My together", told by signups: the link goes to a known volunteer's address."""

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
                }
            ]
        }
    )

    person_id: UUID
    language: Language = "en"
    sign_in_url: str = Field(description="Single-use, short-lived link that signs them in")


class SignInRequested(IntegrationEvent):
    """A volunteer asked to sign in (their address is known to notifications by `person_id`)."""

    type: Literal["person.sign_in_requested"] = "person.sign_in_requested"
    version: Literal[1] = 1
    data: SignInRequestedData
