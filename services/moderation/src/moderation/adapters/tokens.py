"""Signed links moderation sends out (itsdangerous, through the kit's `Signer`): the author of a
published story takes it down with the link in the "published" email."""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote
from uuid import UUID

from together_kit.keys import SecretKeys
from together_kit.signing import Signer, TokenExpiredError, TokenInvalidError

WITHDRAW_MAX_AGE_SECONDS = 5 * 365 * 24 * 3600
"""A published story stays up for years; so does its author's way to take it down."""
PARTICIPANT_MAX_AGE_SECONDS = 365 * 24 * 3600
HOST_MAX_AGE_SECONDS = 365 * 24 * 3600
"""A host's link records conversations in rooms for a year."""


class Purpose(StrEnum):
    WITHDRAW_STORY = "withdraw-story"
    TALK_PARTICIPANT = "talk-participant"
    """A conversation's participant: their pseudonymous id, in a cookie of its own."""
    TALK_HOST = "talk-host"
    """A host of conversations in rooms (domain.hosted): records them with this link."""


class Tokens(Signer[Purpose]):
    def __init__(self, keys: SecretKeys | str) -> None:
        super().__init__(keys, salt="together.moderation.links", purposes=Purpose)


@dataclass(frozen=True)
class Links:
    base_url: str
    tokens: Tokens

    def withdraw_story(self, story_id: UUID) -> str:
        token = quote(self.tokens.issue(Purpose.WITHDRAW_STORY, story_id), safe="")
        return f"{self.base_url.rstrip('/')}/stories/withdraw/{token}"

    def withdrawn_story(self, token: str) -> UUID:
        return self.tokens.subject(token, Purpose.WITHDRAW_STORY, max_age=WITHDRAW_MAX_AGE_SECONDS)

    def host(self, conversation_id: UUID, host_id: UUID) -> str:
        token = quote(self.tokens.issue(Purpose.TALK_HOST, host_id), safe="")
        return f"{self.base_url.rstrip('/')}/talk/{conversation_id}/hosted/{token}"

    def hosting(self, token: str) -> UUID:
        """The host a host link names; raises the kit's `TokenExpiredError` or
        `TokenInvalidError`."""
        return self.tokens.subject(token, Purpose.TALK_HOST, max_age=HOST_MAX_AGE_SECONDS)


@dataclass(frozen=True)
class ParticipantTokens:
    """The signed cookie value of a conversation's participant (talk/together)."""

    tokens: Tokens

    def issue(self, participant: UUID) -> str:
        return self.tokens.issue(Purpose.TALK_PARTICIPANT, participant)

    def read(self, token: str) -> UUID | None:
        """The participant, or None for a token tampered with, expired or of another purpose."""
        try:
            return self.tokens.subject(
                token, Purpose.TALK_PARTICIPANT, max_age=PARTICIPANT_MAX_AGE_SECONDS
            )
        except (TokenExpiredError, TokenInvalidError):
            return None
