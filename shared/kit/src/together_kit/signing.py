"""Signed, timed tokens for links in emails (itsdangerous): a purpose, a subject and a nonce.

Each service keeps its own `StrEnum` of purposes, its own salt (so one service's tokens never
verify at another) and the links it builds from the tokens.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar
from uuid import UUID

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

P = TypeVar("P", bound=StrEnum)


class TokenExpiredError(Exception):
    """The token was genuine but is older than allowed."""


class TokenInvalidError(Exception):
    """The token was tampered with, signed with another secret or salt, or is not for this use."""


@dataclass(frozen=True)
class Claims(Generic[P]):
    purpose: P
    subject: UUID
    nonce: str = ""


class Signer(Generic[P]):
    """Issues and reads tokens of `purposes`, signed with `secret` under `salt`.

    With `nonce=True` every token carries a nonce claim (empty when none is given), so a link can
    be spent once by changing the nonce it was issued with; otherwise a token is purpose and
    subject only.
    """

    def __init__(self, secret: str, *, salt: str, purposes: type[P], nonce: bool = False) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=salt)
        self._purposes = purposes
        self._nonce = nonce

    def issue(self, purpose: P, subject: UUID, nonce: str = "") -> str:
        if nonce and not self._nonce:
            raise ValueError("this signer's tokens carry no nonce")
        claims = [purpose.value, str(subject)] + ([nonce] if self._nonce else [])
        return str(self._serializer.dumps(claims))

    def read(self, token: str, *, max_age: int | None) -> Claims[P]:
        """The token's claims; raises `TokenExpiredError` or `TokenInvalidError`."""
        try:
            claims = self._serializer.loads(token, max_age=max_age)
            purpose, subject, *rest = claims
            if len(rest) != (1 if self._nonce else 0):
                raise TokenInvalidError
            return Claims(self._purposes(purpose), UUID(subject), *rest)
        except SignatureExpired as error:
            raise TokenExpiredError from error
        except (BadSignature, ValueError, TypeError) as error:
            raise TokenInvalidError from error

    def subject(self, token: str, purpose: P, *, max_age: int | None) -> UUID:
        """The subject of a token issued for `purpose`; raises for any other, or a tampered one."""
        claims = self.read(token, max_age=max_age)
        if claims.purpose != purpose:
            raise TokenInvalidError
        return claims.subject
