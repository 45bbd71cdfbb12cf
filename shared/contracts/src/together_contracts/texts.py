"""Text messages (SMS), for people who are not online (issue 23).

Phone numbers stay in signups and notifications, as email addresses do: what a text tells the
other services carries a person id, or an opaque `reply_ref` that only notifications can turn
back into a number (to text the sender the outcome they asked for).
"""

import hashlib
import hmac
import re
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field

from together_contracts.envelope import EventData, IntegrationEvent
from together_contracts.taxonomy import Language

Channel = Literal["email", "sms"]
"""How a volunteer chose to hear of invitations, reminders and changes: email, text or both."""

_SEPARATORS = re.compile(r"[\s\-().]")


def normalised_phone(phone: str) -> str:
    """How a UK number is compared everywhere: E.164 (+44…), separators dropped; `07700 900982`,
    `+44 7700 900982` and `0044 7700 900982` are one number."""
    digits = _SEPARATORS.sub("", phone.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+44" + digits[1:]
    elif digits.startswith("44"):
        digits = "+" + digits
    return digits


def phone_digest(phone: str, *, key: bytes) -> str:
    """The keyed digest of a phone number, as `email_digest` is of an address (same key)."""
    return hmac.new(key, normalised_phone(phone).encode(), hashlib.sha256).hexdigest()


_MATCH = "00000000-0000-4000-8000-000000000003"
_PERSON = "00000000-0000-4000-8000-000000000001"


class TextReceivedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text_id": "00000000-0000-4000-8000-000000000020",
                    "kind": "story",
                    "body": "In lockdown my neighbour left soup on my step every Friday.",
                    "language": "en",
                    "reply_ref": "00000000-0000-4000-8000-000000000021",
                }
            ]
        }
    )

    text_id: UUID = Field(
        description="Derived from the provider's id of the message: a resend is one"
    )
    kind: Literal["story", "thanks"]
    body: str = Field(min_length=1, max_length=1600, description="The text after its keyword")
    language: Language = "en"
    reply_ref: UUID | None = Field(
        default=None,
        description="Notifications' reference to the sender's number, to text them the outcome; "
        "none when they asked not to be told",
    )


class TextReceived(IntegrationEvent):
    """A text to the coalition's number began STORY or THANKS: moderation queues it as a
    submission, screened like any other."""

    type: Literal["text.received"] = "text.received"
    version: Literal[1] = 1
    data: TextReceivedData


class MatchAnsweredData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"match_id": _MATCH, "person_id": _PERSON, "answer": "accept"}]
        }
    )

    match_id: UUID
    person_id: UUID
    answer: Literal["accept", "decline"]
    channel: Literal["sms"] = "sms"


class MatchAnswered(IntegrationEvent):
    """A volunteer answered an invitation by text (YES or NO and its code): matching takes or
    declines the place through the same path as the invitation's web link, and tells the outcome
    as `match.accepted` or `match.declined`."""

    type: Literal["match.answered"] = "match.answered"
    version: Literal[1] = 1
    data: MatchAnsweredData


class TextsStoppedData(EventData):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"person_id": _PERSON, "keyword": "STOP"}]}
    )

    person_id: UUID
    keyword: str = Field(max_length=20, description="The opt-out word they replied, upper-cased")


class TextsStopped(IntegrationEvent):
    """A volunteer replied STOP (or another UK opt-out word): notifications sends them no more
    texts, and signups records the withdrawal of text messages in their consent log."""

    type: Literal["volunteer.texts_stopped"] = "volunteer.texts_stopped"
    version: Literal[1] = 1
    data: TextsStoppedData


class ChannelsChosenData(EventData):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"person_id": _PERSON, "channels": ["email"], "keyword": "EMAIL"}]
        }
    )

    person_id: UUID
    channels: list[Channel] = Field(
        min_length=1, max_length=2, description="How they now want to hear from us"
    )
    keyword: str = Field(max_length=20, description="The word they replied, upper-cased")


class ChannelsChosen(IntegrationEvent):
    """A volunteer replied EMAIL, TEXT or BOTH (EBOST, TESTUN, DDAU) to choose how invitations,
    reminders and changes reach them: signups applies it as a choice on My together would, logs
    it with the word as its source, and tells notifications the new channels as
    `volunteer.contact_changed`. Email is only chosen for a volunteer whose address we hold."""

    type: Literal["volunteer.channels_chosen"] = "volunteer.channels_chosen"
    version: Literal[1] = 1
    data: ChannelsChosenData
