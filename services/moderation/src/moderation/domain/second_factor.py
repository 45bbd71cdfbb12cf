"""The second factor every moderator and lead signs in with: a TOTP (RFC 6238, 30-second steps,
six digits, as authenticator apps make them) and single-use recovery codes.

A code is accepted for the step before, the step of and the step after `now` (clocks drift), and
only for a step later than the last one accepted, so a code seen over someone's shoulder cannot be
used again. Recovery codes are random (80 bits each) and kept only as SHA-256 digests; each one
works once.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_CODE_BYTES = 10
CODE_LENGTH = 6
MAX_CODE_INPUT = 64


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The `otpauth://` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def accepted_step(secret: str, code: str, *, now: datetime, after: int) -> int | None:
    """The step whose code `code` is, if it is near `now` and later than `after`; else None."""
    digits = "".join(code.split())
    if len(digits) != CODE_LENGTH or not digits.isdigit() or not secret:
        return None
    totp = pyotp.TOTP(secret)
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        expected = totp.at(step * STEP_SECONDS)
        if step > after and hmac.compare_digest(expected.encode(), digits.encode()):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like `k3vq-8d2m-x7pa-4rth`, shown once."""
    codes = []
    for _ in range(RECOVERY_CODES):
        text = base64.b32encode(secrets.token_bytes(RECOVERY_CODE_BYTES)).decode().lower()
        codes.append("-".join(text[i : i + 4] for i in range(0, 16, 4)))
    return codes


def recovery_digest(code: str) -> str:
    """How a recovery code is stored: dashes, spaces and case do not matter."""
    tidy = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(tidy.encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    tidy = "".join(ch for ch in code.lower() if ch.isalnum())
    return len(tidy) == 16
