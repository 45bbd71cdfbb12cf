"""The security log: who did what to which account or item, when, and how it turned out.

Entries are only ever added. They name the actor and the target by id (and the actor by display
name for reading), never a password, a code or a secret.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

NOBODY = "-"
"""The actor of an attempt nobody could be named for (an unknown email is not logged: it may be
a password typed in the wrong box)."""


class SecurityAction(StrEnum):
    SIGN_IN = "sign-in"
    SECOND_FACTOR = "second-factor"
    SIGN_OUT = "sign-out"
    LOCKOUT = "lockout"
    ENROLMENT = "second-factor-enrolment"
    RECOVERY_CODE = "recovery-code"
    SECOND_FACTOR_RESET = "second-factor-reset"
    PASSWORD_CHANGE = "password-change"  # noqa: S105 (an action's name, not a password)
    ACCOUNT_CREATED = "account-created"
    ACCOUNT_DEACTIVATED = "account-deactivated"
    ROLE_CHANGE = "role-change"
    TAKE_DOWN = "take-down"
    PERSONAL_DATA_READ = "personal-data-read"
    STAFF_PASS = "staff-pass"  # noqa: S105 (an action's name, not a secret)
    """A staff pass issued for signups' assisted pages (the detail: what for)."""
    ASSISTED_STORY = "assisted-story"
    """A story entered on someone's behalf (the target: the story; the detail: how it came)."""


class Outcome(StrEnum):
    SUCCESS = "success"
    PASSWORD_ACCEPTED = "password-accepted"  # noqa: S105 (an outcome's name)
    FAILURE = "failure"
    REFUSED_LOCKED = "refused-locked"
    REFUSED_INACTIVE = "refused-inactive"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class SecurityEvent:
    actor: str
    """Who acted: a moderator's display name, an admin key's holder ("admin"), or `NOBODY`."""
    action: str
    """A `SecurityAction` value (other helpers' actions are plain strings too)."""
    target_id: str
    outcome: str
    at: datetime
    actor_id: str = ""
    """The acting account's id, when there is one."""
    detail: str = ""
    """A short, non-secret remark: the new role, the client address of a throttled sign-in."""
    id: UUID = field(default_factory=uuid4)
