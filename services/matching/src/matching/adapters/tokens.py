"""Signed links (itsdangerous): a volunteer answers a proposal; an organiser cancels an event or,
after it, marks who came (one organiser token serves both pages)."""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote
from uuid import UUID

from together_kit.keys import SecretKeys
from together_kit.signing import Signer

RESPONSE_MAX_AGE_SECONDS = 90 * 24 * 3600
ORGANISER_MAX_AGE_SECONDS = 365 * 24 * 3600


class Purpose(StrEnum):
    RESPOND = "respond"
    ORGANISER = "organiser"


class Tokens(Signer[Purpose]):
    def __init__(self, keys: SecretKeys | str, *, legacy: bool = False) -> None:
        super().__init__(keys, salt="together.matching.links", purposes=Purpose, legacy=legacy)


@dataclass(frozen=True)
class Links:
    base_url: str
    tokens: Tokens

    def _url(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}{path}"

    def respond(self, match_id: UUID, answer: str | None = None) -> str:
        token = quote(self.tokens.issue(Purpose.RESPOND, match_id))
        return self._url(f"/r/{token}" + (f"?answer={answer}" if answer else ""))

    def cancel_event(self, event_id: UUID) -> str:
        token = quote(self.tokens.issue(Purpose.ORGANISER, event_id))
        return self._url(f"/events/cancel/{token}")

    def attendance(self, event_id: UUID) -> str:
        token = quote(self.tokens.issue(Purpose.ORGANISER, event_id))
        return self._url(f"/events/attendance/{token}")

    def public_event(self, event_id: UUID) -> str:
        return self._url(f"/events#e-{event_id}")
