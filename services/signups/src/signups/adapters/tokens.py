"""Signed links in emails: confirm an address, unsubscribe, confirm an erasure (itsdangerous)."""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote
from uuid import UUID

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRMATION_MAX_AGE_SECONDS = 7 * 24 * 3600
ERASURE_MAX_AGE_SECONDS = 24 * 3600


class Purpose(StrEnum):
    CONFIRM_PERSON = "confirm-person"
    CONFIRM_ORGANISATION = "confirm-organisation"
    UNSUBSCRIBE = "unsubscribe"
    ERASE = "erase"


class TokenExpiredError(Exception):
    pass


class TokenInvalidError(Exception):
    pass


@dataclass(frozen=True)
class TokenClaims:
    purpose: Purpose
    subject: UUID
    nonce: str


class Tokens:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="together.signups.links")

    def issue(self, purpose: Purpose, subject: UUID, nonce: str = "") -> str:
        return str(self._serializer.dumps([purpose.value, str(subject), nonce]))

    def read(self, token: str, *, max_age: int | None) -> TokenClaims:
        try:
            purpose, subject, nonce = self._serializer.loads(token, max_age=max_age)
            return TokenClaims(Purpose(purpose), UUID(subject), nonce)
        except SignatureExpired as error:
            raise TokenExpiredError from error
        except (BadSignature, ValueError, TypeError) as error:
            raise TokenInvalidError from error


@dataclass(frozen=True)
class Links:
    """Absolute URLs for emails, from the public base URL of signups."""

    base_url: str
    tokens: Tokens

    def _url(self, path: str, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/{path}/{quote(token)}"

    def confirm_person(self, person_id: UUID, nonce: str) -> str:
        return self._url("confirm", self.tokens.issue(Purpose.CONFIRM_PERSON, person_id, nonce))

    def confirm_organisation(self, organisation_id: UUID, nonce: str) -> str:
        token = self.tokens.issue(Purpose.CONFIRM_ORGANISATION, organisation_id, nonce)
        return self._url("confirm", token)

    def unsubscribe(self, person_id: UUID) -> str:
        return self._url("unsubscribe", self.tokens.issue(Purpose.UNSUBSCRIBE, person_id))

    def erase(self, person_id: UUID, nonce: str) -> str:
        return self._url("forget", self.tokens.issue(Purpose.ERASE, person_id, nonce))
