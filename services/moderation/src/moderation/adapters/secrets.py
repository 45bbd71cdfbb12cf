"""Keys derived from the service's `SECRET_KEY` for one purpose each (HKDF-SHA256), and the cipher
that keeps moderators' TOTP secrets encrypted at rest (AES-256-GCM, the account id as associated
data, so a secret copied onto another account does not decrypt)."""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"
NONCE_BYTES = 12


def derive_key(secret: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(secret.encode())


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def for_totp(cls, secret_key: str) -> "SecretBox":
        return cls(derive_key(secret_key, "together/moderation/totp-secrets"))

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
