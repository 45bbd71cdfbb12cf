"""Erasure (UK GDPR right to erasure) across services: asked once, answered by each."""

import hashlib
import hmac
from typing import Any, Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.emails import Email
from together_contracts.envelope import EventData, IntegrationEvent
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
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Only for a known volunteer; absent when the address is all we were given",
    )
    email: Email
    language: Language = "en"
    confirm_url: str


class ErasureLinkRequested(IntegrationEvent):
    """Someone asked to be forgotten: email them the link that confirms it is really them."""

    type: Literal["person.erasure_link_requested"] = "person.erasure_link_requested"
    version: Literal[1] = 1
    data: ErasureLinkRequestedData


DIGEST_PATTERN = r"^[0-9a-f]{64}$"


def normalised_email(email: str) -> str:
    """How an address is compared everywhere: trimmed and lower-cased."""
    return email.strip().lower()


def email_digest(email: str, *, key: bytes) -> str:
    """The keyed digest services store and compare instead of an address: HMAC-SHA256, with the
    erasure key every service shares (`ERASURE_KEY`), of the normalised email. Without the key
    nobody can test a guessed address against a stored digest, as they could a plain SHA-256."""
    return hmac.new(key, normalised_email(email).encode(), hashlib.sha256).hexdigest()


class PersonErasureRequestedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "erasure_id": "00000000-0000-4000-8000-000000000005",
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "email_digest": "3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b",
                }
            ]
        }
    )

    erasure_id: UUID
    person_id: UUID | None = Field(
        default=None,
        description="Signups' id of the person, when signups knew them (a volunteer)",
    )
    email_digest: str | None = Field(
        default=None,
        pattern=DIGEST_PATTERN,
        description="Set when the person asked: `email_digest` of their address (HMAC with the "
        "shared erasure key), so every service finds what it holds by address (story authors, "
        "event organisers, organisation contacts, the delivery log) without being told it",
    )
    phone_digest: str | None = Field(
        default=None,
        pattern=DIGEST_PATTERN,
        description="Set when the person asked by phone number: `phone_digest` of it (same key), "
        "so notifications finds the texts it holds from and to that number",
    )


class PersonErasureRequested(IntegrationEvent):
    """Signups has deleted a person's data: every service deletes what it holds of them.

    Also re-published by `together erasures reapply` after a restore from backup (same
    `erasure_id`, new event id): every service erases again, and answers no second time."""

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
    person_id: UUID | None = None
    service: str


class PersonErased(IntegrationEvent):
    """One service has deleted everything it held about the person."""

    type: Literal["person.erased"] = "person.erased"
    version: Literal[1] = 1
    data: PersonErasedData


class PersonAccessRequestedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_id": "00000000-0000-4000-8000-000000000006",
                    "person_id": "00000000-0000-4000-8000-000000000001",
                    "email_digest": "3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b3f1b",
                }
            ]
        }
    )

    access_id: UUID
    person_id: UUID | None = None
    email_digest: str = Field(pattern=DIGEST_PATTERN)


class PersonAccessRequested(IntegrationEvent):
    """An admin asked for everything held about an address (UK GDPR subject access): every
    service answers with `person.access_answered`."""

    type: Literal["person.access_requested"] = "person.access_requested"
    version: Literal[1] = 1
    data: PersonAccessRequestedData


class PersonAccessAnsweredData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_id": "00000000-0000-4000-8000-000000000006",
                    "service": "moderation",
                    "held": {"stories": [{"id": "00000000-0000-4000-8000-000000000007"}]},
                }
            ]
        }
    )

    access_id: UUID
    service: str
    held: dict[str, Any] = Field(
        description="What the service holds about the person, by kind (personal data: the "
        "answer is kept by signups only until the admin has fetched the export)"
    )


class PersonAccessAnswered(IntegrationEvent):
    """One service's part of a subject access export. It carries personal data: the fields of the
    person's own records and nothing else."""

    type: Literal["person.access_answered"] = "person.access_answered"
    version: Literal[1] = 1
    data: PersonAccessAnsweredData
