"""The cipher that keeps moderators' TOTP secrets encrypted at rest (AES-256-GCM under a key the
kit derives from `SECRET_KEY` for this purpose, `together_kit.keys`; the account id as associated
data, so a secret copied onto another account does not decrypt)."""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from together_kit.keys import SecretKeys

PREFIX = "v1:"
NONCE_BYTES = 12
TOTP_SECRETS = "together.moderation.totp-secrets"
SIGN_IN_THROTTLE = "together.moderation.sign-in-throttle"
"""The purposes moderation derives keys for (`SecretKeys.derive`)."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def for_totp(cls, keys: SecretKeys) -> "SecretBox":
        return cls(keys.derive(TOTP_SECRETS))

    def seal(self, plain: str, *, bound_to: str) -> str:
        if not plain:
            return ""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plain.encode(), bound_to.encode())
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, sealed: str, *, bound_to: str) -> str:
        if not sealed:
            return ""
        raw = base64.urlsafe_b64decode(sealed.removeprefix(PREFIX))
        return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound_to.encode()).decode()


def keyed_digest(key: bytes, value: str) -> str:
    """An HMAC-SHA256 of `value`: client addresses are kept only this way."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
