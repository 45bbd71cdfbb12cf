"""Moderator accounts: who may sign in to the moderator UI, with which role, and the lockout rule.

Passwords are never held here in the clear; `password_hash` is an argon2id string made by the
adapter. Five failed sign-ins in a row (a wrong password or a wrong second-factor code) lock an
account for fifteen minutes (both settings); a successful sign-in clears the count. In front of
that, each client address has its own throttle: after `Backoff.free` failures, each further one
makes the address wait twice as long as the one before, up to `Backoff.most`.

Every account signs in with a second factor (see `second_factor`): `totp_secret` is set at the
first sign-in and `totp_enrolled` once the moderator has typed a code from it; the adapter keeps
the secret encrypted. `recovery_codes` holds the digests of the unused recovery codes.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from moderation.domain.decisions import Moderator, Role

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
MAX_NAME_LENGTH = 80
MAX_EMAIL_LENGTH = 254


class AccountError(ValueError):
    """A change to an account the rules refuse; the message is for the lead or the CLI user."""


class AccountExistsError(Exception):
    """Another account has this email or display name."""


class AccountNotFoundError(LookupError):
    pass


class ConcurrentAccountChangeError(RuntimeError):
    """Other writers kept changing the account; the caller may try again."""


@dataclass(frozen=True)
class Lockout:
    failures: int = 5
    duration: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Backoff:
    """The per-address sign-in throttle: `free` failures, then waits of `first`, twice that, …"""

    free: int = 10
    first: timedelta = timedelta(seconds=1)
    most: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=1)
    """An address whose last failure is older than this starts afresh."""

    def wait_after(self, failures: int) -> timedelta:
        """How long an address must wait after its `failures`-th failure in a row."""
        beyond = failures - self.free
        if beyond <= 0:
            return timedelta(0)
        wait: timedelta = self.first * (2 ** min(beyond - 1, 32))
        return min(wait, self.most)


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    role: Role
    password_hash: str
    created_at: datetime
    id: UUID = field(default_factory=uuid4)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    must_change_password: bool = False
    totp_secret: str = ""
    totp_enrolled: bool = False
    last_totp_step: int = 0
    recovery_codes: tuple[str, ...] = ()
    """SHA-256 digests of the recovery codes not used yet."""

    @property
    def moderator(self) -> Moderator:
        """Who decides, as the decision handlers know them (display names are unique)."""
        return Moderator(self.name, self.role)

    @property
    def is_lead(self) -> bool:
        return self.role is Role.LEAD

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and leads work with community connectors."""
        return self.role in (Role.COORDINATOR, Role.LEAD)

    @property
    def assists(self) -> bool:
        """Staff and leads sign people up and enter stories on their behalf."""
        return self.role in (Role.STAFF, Role.LEAD)

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def failed(self, now: datetime, lockout: Lockout) -> "Account":
        """One more failed sign-in; the last one allowed locks the account and starts afresh."""
        failures = self.failed_logins + 1
        if failures >= lockout.failures:
            return replace(self, failed_logins=0, locked_until=now + lockout.duration)
        return replace(self, failed_logins=failures)

    def signed_in(self) -> "Account":
        return replace(self, failed_logins=0, locked_until=None)

    def second_factor_reset(self) -> "Account":
        """A lead clears the second factor (a lost phone): the next sign-in enrols afresh."""
        return replace(
            self, totp_secret="", totp_enrolled=False, last_totp_step=0, recovery_codes=()
        )


OWN_ACCOUNT_REFUSALS = {
    "deactivate": "You cannot deactivate your own account.",
    "change-role": "Ask another lead to change your own role.",
    "reset-second-factor": "Ask another lead to reset your own second factor.",
}
"""What a lead may not do to their own account, and what they are told."""


def check_not_own(account_id: UUID, *, by: Account, change: str) -> None:
    """Refuse (`AccountError`) a lead's `change` of their own account (one of
    `OWN_ACCOUNT_REFUSALS`): another lead does that, so no lead locks themselves out alone."""
    if account_id == by.id:
        raise AccountError(OWN_ACCOUNT_REFUSALS[change])


def normalise_email(email: str) -> str:
    return email.strip().casefold()


def name_key(name: str) -> str:
    """Display names are unique regardless of case and spacing: the audit and claims show them."""
    return " ".join(name.split()).casefold()


def check_new_account(*, email: str, name: str) -> tuple[str, str]:
    """The normalised email and tidied name, or an `AccountError` saying what is wrong."""
    email = normalise_email(email)
    name = " ".join(name.split())
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > MAX_EMAIL_LENGTH or " " in email:
        raise AccountError("Enter an email address like name@example.org.")
    if not name or len(name) > MAX_NAME_LENGTH:
        raise AccountError(f"Enter a display name of up to {MAX_NAME_LENGTH} characters.")
    return email, name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"A password has at most {MAX_PASSWORD_LENGTH} characters.")
    return password
