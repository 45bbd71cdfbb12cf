"""A staff pass is read back as issued, and not with another secret, after its time or altered."""

from uuid import uuid4

import pytest
from together_kit.signing import TokenExpiredError, TokenInvalidError
from together_kit.staff_pass import StaffPass, issue_pass, read_pass

pytestmark = pytest.mark.unit
SECRET = "a-shared-staff-pass-secret-of-32-characters"


def test_a_pass_is_read_as_issued() -> None:
    staff = StaffPass(uuid4(), "Siân Roberts", "staff")

    assert read_pass(SECRET, issue_pass(SECRET, staff)) == staff


def test_a_pass_signed_with_another_secret_or_altered_is_refused() -> None:
    token = issue_pass(SECRET, StaffPass(uuid4(), "Siân", "staff"))

    with pytest.raises(TokenInvalidError):
        read_pass("another-secret-of-at-least-32-characters", token)
    with pytest.raises(TokenInvalidError):
        read_pass(SECRET, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_an_old_pass_is_refused() -> None:
    token = issue_pass(SECRET, StaffPass(uuid4(), "Siân", "staff"))

    with pytest.raises(TokenExpiredError):
        read_pass(SECRET, token, max_age=-1)
