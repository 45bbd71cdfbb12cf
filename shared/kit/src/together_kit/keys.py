"""One secret per service, one key per purpose: HKDF-SHA256 (RFC 5869) derives each purpose's key
from the service's `SECRET_KEY`, so a key that signs one kind of link never signs another, and
the secret itself keys nothing directly.

Rotation: a new secret becomes `SECRET_KEY` and the old one moves to `PREVIOUS_SECRET_KEYS`
(comma-separated). New links are signed with the key derived from the current secret; links
signed with a key derived from a previous one still verify until that secret is dropped.
"""

import hashlib
import hmac
from dataclasses import dataclass

HASH_LENGTH = hashlib.sha256().digest_size
KEY_LENGTH = 32
INFO_PREFIX = b"together/v1/"
"""Every derived key's `info` starts with it; changing it would change every key."""


def hkdf_sha256(ikm: bytes, *, info: bytes, length: int = KEY_LENGTH, salt: bytes = b"") -> bytes:
    """HKDF with HMAC-SHA256 (RFC 5869 section 2): extract a pseudorandom key, expand to `length`."""
    if not 0 < length <= 255 * HASH_LENGTH:
        raise ValueError(f"HKDF-SHA256 gives 1 to {255 * HASH_LENGTH} bytes, not {length}")
    prk = hmac.new(salt or bytes(HASH_LENGTH), ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


@dataclass(frozen=True)
class SecretKeys:
    """A service's current secret and the previous ones still honoured, oldest first."""

    current: str
    previous: tuple[str, ...] = ()

    def derive(self, purpose: str) -> bytes:
        """The current key for `purpose` (signs new links, keys new digests)."""
        return _derive(self.current, purpose)

    def verifying(self, purpose: str) -> list[bytes]:
        """Every key for `purpose` a link may have been signed with, oldest first and the current
        one last (the order itsdangerous expects: it signs with the last)."""
        return [_derive(secret, purpose) for secret in self.secrets()]

    def secrets(self) -> list[str]:
        """The raw secrets, oldest first: only for reading links issued before keys were derived."""
        return [*self.previous, self.current]


def _derive(secret: str, purpose: str) -> bytes:
    return hkdf_sha256(secret.encode(), info=INFO_PREFIX + purpose.encode())


def parse_previous(value: str) -> tuple[str, ...]:
    """`PREVIOUS_SECRET_KEYS` as written: comma-separated, oldest first, blanks ignored."""
    return tuple(part.strip() for part in value.split(",") if part.strip())
