"""A staff pass: moderation, where staff sign in (with two factors), vouches for a staff member
to another service for a few minutes, so that service's own pages can serve them (issue 23's
assisted entry: signups' pages for signing up someone who joined on paper or by phone) without
a second set of accounts and without the person's details passing through moderation.

The pass is signed (HMAC-SHA256, itsdangerous) with a secret the two services share
(`MODERATION_STAFF_PASS_SECRET` = `SIGNUPS_STAFF_PASS_SECRET`), under a salt of its own; the
service that reads it starts a session of its own from it.
"""

from dataclasses import dataclass
from uuid import UUID

from itsdangerous import BadSignature, SignatureExpired

from together_kit.keys import SecretKeys
from together_kit.signing import TokenExpiredError, TokenInvalidError, serializer

SALT = "together.staff-pass"
DEVELOPMENT_STAFF_PASS_SECRET = "development-only-staff-pass-secret-do-not-use-in-production"  # noqa: S105 (a known placeholder, refused in production)
"""Both services' development value, so `make run` and the tests work without setting one."""
MIN_SECRET_LENGTH = 32
PASS_SECONDS = 15 * 60
"""How long a pass may be used to start a session after moderation issued it."""


@dataclass(frozen=True)
class StaffPass:
    staff_id: UUID
    name: str
    role: str


def weak_secret(secret: str) -> bool:
    """Whether a staff pass secret is refused in production: the placeholder, or too short."""
    return secret == DEVELOPMENT_STAFF_PASS_SECRET or len(secret) < MIN_SECRET_LENGTH


def issue_pass(keys: SecretKeys | str, staff: StaffPass) -> str:
    keys = keys if isinstance(keys, SecretKeys) else SecretKeys(keys)
    claims = [str(staff.staff_id), staff.name, staff.role]
    return str(serializer(keys, salt=SALT).dumps(claims))


def read_pass(keys: SecretKeys | str, token: str, *, max_age: int = PASS_SECONDS) -> StaffPass:
    """The staff member a pass vouches for; raises `TokenExpiredError` or `TokenInvalidError`."""
    keys = keys if isinstance(keys, SecretKeys) else SecretKeys(keys)
    try:
        staff_id, name, role = serializer(keys, salt=SALT).loads(token, max_age=max_age)
        return StaffPass(UUID(staff_id), str(name), str(role))
    except SignatureExpired as error:
        raise TokenExpiredError from error
    except (BadSignature, ValueError, TypeError) as error:
        raise TokenInvalidError from error
