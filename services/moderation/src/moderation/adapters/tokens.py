"""Signed links moderation sends out (itsdangerous, through the kit's `Signer`): the author of a
published story takes it down with the link in the "published" email."""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote
from uuid import UUID

from together_kit.keys import SecretKeys
from together_kit.signing import Signer

WITHDRAW_MAX_AGE_SECONDS = 5 * 365 * 24 * 3600
"""A published story stays up for years; so does its author's way to take it down."""


class Purpose(StrEnum):
    WITHDRAW_STORY = "withdraw-story"


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
