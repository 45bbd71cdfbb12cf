"""Erasure (UK GDPR right to erasure) across services: asked once, answered by each."""

import hashlib
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, EmailStr, Field

from together_contracts.envelope import Event, EventData
from together_contracts.taxonomy import Language


class ErasureLinkRequestedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "request_id": "00000000-0000-4000-8000-000000000004",
                    "name": "Ann Jones",
                    "email": "ann.jones@example.org",
                    "language": "cy",
                    "confirm_url": "https://join.together.example/forget/eyJ…",
                }
            ]
        }
    )

    request_id: UUID
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    language: Language = "en"
    confirm_url: str


class ErasureLinkRequested(Event):
    """Someone asked to be forgotten: email them the link that confirms it is really them."""

    type: Literal["person.erasure_link_requested"] = "person.erasure_link_requested"
    version: Literal[1] = 1
    data: ErasureLinkRequestedData


def email_sha256(email: str) -> str:
    """The digest services compare instead of an address: SHA-256 of the trimmed, lower-cased email."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class PersonErasureRequestedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "erasure_id": "00000000-0000-4000-8000-000000000005",
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "email_sha256": "3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b",
                }
            ]
        }
    )

    erasure_id: UUID
    person_id: UUID
    email_sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="Set when the person asked: lets services that hold submissions by email "
        "(moderation) find them without being told the address",
    )


class PersonErasureRequested(Event):
    """Signups has deleted a person's data: every service deletes what it holds of them."""

    type: Literal["person.erasure_requested"] = "person.erasure_requested"
    version: Literal[1] = 1
    data: PersonErasureRequestedData


class PersonErasedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "erasure_id": "00000000-0000-4000-8000-000000000005",
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "service": "notifications",
                }
            ]
        }
    )

    erasure_id: UUID
    person_id: UUID
    service: str


class PersonErased(Event):
    """One service has deleted everything it held about the person."""

    type: Literal["person.erased"] = "person.erased"
    version: Literal[1] = 1
    data: PersonErasedData
