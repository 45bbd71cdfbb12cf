"""Signed, timed tokens for links in emails (itsdangerous): a purpose, a subject and a nonce.

Each service keeps its own `StrEnum` of purposes, its own salt (so one service's tokens never
verify at another) and the links it builds from the tokens. The salt also names the key: HMAC-SHA256
with a key derived from the service's secret for that salt alone (together_kit.keys), the newest
secret signing and the previous ones still verifying.

Links issued before keys were derived (HMAC-SHA1 keyed by the raw secret) are still read when
`legacy` is on, until they expire as they always would; none are issued any more.
"""

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar
from uuid import UUID

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from together_kit.keys import SecretKeys

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


def serializer(keys: SecretKeys, *, salt: str) -> URLSafeTimedSerializer:
    """Signs with the current key derived for `salt` (HMAC-SHA256); verifies with every one."""
    return URLSafeTimedSerializer(
        keys.verifying(salt), salt=salt, signer_kwargs={"digest_method": hashlib.sha256}
    )


def legacy_serializer(keys: SecretKeys, *, salt: str) -> URLSafeTimedSerializer:
    """Reads tokens in the form issued before keys were derived: HMAC-SHA1 keyed by a raw secret."""
    return URLSafeTimedSerializer(keys.secrets(), salt=salt)


class Signer(Generic[P]):
    """Issues and reads tokens of `purposes`, signed with the key derived for `salt`.

    With `nonce=True` every token carries a nonce claim (empty when none is given), so a link can
    be spent once by changing the nonce it was issued with; otherwise a token is purpose and
    subject only. With `legacy=True` tokens in the old form are read too (never issued).
    """

    def __init__(
        self,
        keys: SecretKeys | str,
        *,
        salt: str,
        purposes: type[P],
        nonce: bool = False,
        legacy: bool = False,
    ) -> None:
        keys = keys if isinstance(keys, SecretKeys) else SecretKeys(keys)
        self._serializer = serializer(keys, salt=salt)
        self._legacy = legacy_serializer(keys, salt=salt) if legacy else None
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
            claims = self._loads(token, max_age=max_age)
            purpose, subject, *rest = claims
            if len(rest) != (1 if self._nonce else 0):
                raise TokenInvalidError
            return Claims(self._purposes(purpose), UUID(subject), *rest)
        except SignatureExpired as error:
            raise TokenExpiredError from error
        except (BadSignature, ValueError, TypeError) as error:
            raise TokenInvalidError from error

    def _loads(self, token: str, *, max_age: int | None) -> Any:
        try:
            return self._serializer.loads(token, max_age=max_age)
        except SignatureExpired:
            raise
        except BadSignature:
            if self._legacy is None:
                raise
            return self._legacy.loads(token, max_age=max_age)

    def subject(self, token: str, purpose: P, *, max_age: int | None) -> UUID:
        """The subject of a token issued for `purpose`; raises for any other, or a tampered one."""
        claims = self.read(token, max_age=max_age)
        if claims.purpose != purpose:
            raise TokenInvalidError
        return claims.subject
