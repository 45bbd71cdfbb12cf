"""Signed links (itsdangerous): a volunteer answers a proposal; an organiser cancels an event or,
after it, marks who came (one organiser token serves both pages)."""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote
from uuid import UUID

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

RESPONSE_MAX_AGE_SECONDS = 90 * 24 * 3600
ORGANISER_MAX_AGE_SECONDS = 365 * 24 * 3600


class Purpose(StrEnum):
    RESPOND = "respond"
    ORGANISER = "organiser"


class TokenExpiredError(Exception):
    pass


class TokenInvalidError(Exception):
    pass


class Tokens:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="together.matching.links")

    def issue(self, purpose: Purpose, subject: UUID) -> str:
        return str(self._serializer.dumps([purpose.value, str(subject)]))

    def read(self, token: str, purpose: Purpose, *, max_age: int) -> UUID:
        """The subject of a token issued for `purpose`; raises for any other, or a tampered one."""
        try:
            issued_for, subject = self._serializer.loads(token, max_age=max_age)
            if issued_for != purpose.value:
                raise TokenInvalidError
            return UUID(subject)
        except SignatureExpired as error:
            raise TokenExpiredError from error
        except (BadSignature, ValueError, TypeError) as error:
            raise TokenInvalidError from error


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
