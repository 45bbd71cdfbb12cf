"""The rules of signing in, without I/O: the throttle's growing waits, TOTP steps and replay,
recovery codes, and the cipher that keeps TOTP secrets."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from cryptography.exceptions import InvalidTag
from moderation.adapters.secrets import SecretBox
from moderation.domain.moderators import Backoff
from moderation.domain.second_factor import (
    accepted_step,
    looks_like_recovery_code,
    new_recovery_codes,
    new_secret,
    recovery_digest,
    step_of,
)
from together_kit.keys import SecretKeys

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 3, 9, 0, 10, tzinfo=UTC)


def test_an_address_waits_twice_as_long_after_each_failure_beyond_the_free_ones() -> None:
    backoff = Backoff(free=3, first=timedelta(seconds=1), most=timedelta(seconds=10))

    waits = [backoff.wait_after(n).total_seconds() for n in range(1, 10)]

    assert waits == [0, 0, 0, 1, 2, 4, 8, 10, 10]
    assert backoff.wait_after(10_000) == timedelta(seconds=10)


def test_a_code_is_accepted_one_step_either_side_and_never_twice() -> None:
    secret = new_secret()
    totp = pyotp.TOTP(secret)
    step = step_of(NOW)

    for drift in (-1, 0, 1):
        code = totp.at(NOW + timedelta(seconds=30 * drift))
        assert accepted_step(secret, code, now=NOW, after=0) == step + drift
    assert accepted_step(secret, totp.at(NOW - timedelta(seconds=60)), now=NOW, after=0) is None
    assert accepted_step(secret, totp.at(NOW + timedelta(seconds=60)), now=NOW, after=0) is None
    assert accepted_step(secret, totp.at(NOW), now=NOW, after=step) is None
    assert accepted_step(secret, " ".join(totp.at(NOW)), now=NOW, after=0) == step
    assert accepted_step(secret, "12345", now=NOW, after=0) is None
    assert accepted_step("", totp.at(NOW), now=NOW, after=0) is None


def test_recovery_codes_are_random_and_compared_by_digest() -> None:
    codes = new_recovery_codes()

    assert len(set(codes)) == 10
    assert all(looks_like_recovery_code(code) for code in codes)
    assert recovery_digest(codes[0]) == recovery_digest(codes[0].upper().replace("-", " "))
    assert recovery_digest(codes[0]) != recovery_digest(codes[1])
    assert not looks_like_recovery_code("123456")


def test_a_sealed_secret_opens_only_for_its_account_and_key() -> None:
    box = SecretBox.for_totp(SecretKeys("a" * 40))
    sealed = box.seal("JBSWY3DPEHPK3PXP", bound_to="account-1")

    assert sealed.startswith("v1:")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert box.open(sealed, bound_to="account-1") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(InvalidTag):
        box.open(sealed, bound_to="account-2")
    with pytest.raises(InvalidTag):
        SecretBox.for_totp(SecretKeys("b" * 40)).open(sealed, bound_to="account-1")
