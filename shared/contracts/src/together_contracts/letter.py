"""The open letter of the Decade of Reconnection, co-signed by people and organisations; told by
signups. Only notifications hears them: `letter.signed` carries the address to confirm, and
`letter.confirmed` no name, town or address at all."""

from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.emails import Email
from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Language


class Nation(StrEnum):
    """The four nations of the UK, by which the letter's signatures are counted."""

    ENGLAND = "england"
    SCOTLAND = "scotland"
    WALES = "wales"
    NORTHERN_IRELAND = "northern-ireland"


class SignatoryKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class LetterSignedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "signature_id": "00000000-0000-4000-8000-000000000005",
                    "email": "ann.jones@example.org",
                    "language": "cy",
                    "confirm_url": "https://join.together.example/confirm/eyJ…",
                }
            ]
        }
    )

    signature_id: UUID
    email: Email
    language: Language = "en"
    confirm_url: str = Field(description="Single-use link that confirms the signature")


class LetterSigned(IntegrationEvent):
    """Someone co-signed the open letter (or signed again before confirming): email them the link
    that confirms the address. Nothing they typed but the address is told."""

    type: Literal["letter.signed"] = "letter.signed"
    version: Literal[1] = 1
    data: LetterSignedData


class LetterConfirmedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "signature_id": "00000000-0000-4000-8000-000000000005",
                    "kind": "person",
                    "nation": "wales",
                    "invite": True,
                    "language": "cy",
                }
            ]
        }
    )

    signature_id: UUID
    kind: SignatoryKind
    nation: Nation
    invite: bool = Field(
        default=False,
        description="They asked to hear about the national conversation and events near them",
    )
    language: Language = "en"


class LetterConfirmed(IntegrationEvent):
    """A signature's address was confirmed: it now counts. Notifications invites the signatory to
    the conversation and events if they asked, and otherwise forgets their address."""

    type: Literal["letter.confirmed"] = "letter.confirmed"
    version: Literal[1] = 1
    data: LetterConfirmedData
