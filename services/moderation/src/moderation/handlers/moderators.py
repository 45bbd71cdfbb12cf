"""Moderator accounts: create, deactivate, change roles and passwords, reset a second factor.

Every change is written to the security log. Signing in is in `sign_in`.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from uuid import UUID

from together_contracts import IntegrationEvent

from moderation.domain.decisions import Role
from moderation.domain.items import Item
from moderation.domain.moderators import (
    Account,
    AccountError,
    Lockout,
    check_new_account,
    check_not_own,
    check_password,
)
from moderation.domain.ports import (
    ModeratorRepository,
    PasswordHasher,
    SecurityLog,
    SessionRepository,
    SignInThrottle,
)
from moderation.domain.security_log import Outcome, SecurityAction
from moderation.handlers.context import Context
from moderation.handlers.security_log import record_security_event

CLI = "command line"


@dataclass(frozen=True)
class Accounts:
    """The ports of sign-in and account management; bootstrap builds them."""

    moderators: ModeratorRepository
    sessions: SessionRepository
    passwords: PasswordHasher
    clock: Callable[[], datetime]
    security_log: SecurityLog
    throttle: SignInThrottle
    lockout: Lockout = field(default_factory=Lockout)
    session_lifetime: timedelta = timedelta(hours=8)
    second_factor_window: timedelta = timedelta(minutes=10)
    """How long a session whose password was right waits for a code or an enrolment."""
    issuer: str = "together moderation"
    """The name authenticator apps show beside the account."""


async def log(
    accounts: Accounts,
    actor: Account | str,
    action: SecurityAction,
    target_id: object,
    outcome: Outcome,
    detail: str = "",
) -> None:
    await record_security_event(
        accounts.security_log,
        at=accounts.clock(),
        actor=actor,
        action=action,
        target_id=target_id,
        outcome=outcome,
        detail=detail,
    )


async def create_account(
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    accounts: Accounts,
    must_change_password: bool = False,
    by: Account | None = None,
) -> Account:
    """Raises `AccountError` for bad input, `AccountExistsError` for a taken email or name.
    `by` is the lead adding it; None for the command line."""
    email, name = check_new_account(email=email, name=name)
    account = Account(
        email=email,
        name=name,
        role=role,
        password_hash=await accounts.passwords.hash(check_password(password)),
        created_at=accounts.clock(),
        must_change_password=must_change_password,
    )
    await accounts.moderators.add(account)
    await log(
        accounts, by or CLI, SecurityAction.ACCOUNT_CREATED, account.id, Outcome.SUCCESS, role
    )
    return account


async def create_with_temporary_password(
    *, email: str, name: str, role: Role, accounts: Accounts, by: Account | None = None
) -> tuple[Account, str]:
    """A lead adds a moderator; the temporary password is shown once and must be changed."""
    temporary = secrets.token_urlsafe(12)
    account = await create_account(
        email=email,
        name=name,
        role=role,
        password=temporary,
        accounts=accounts,
        must_change_password=True,
        by=by,
    )
    return account, temporary


async def change_password(
    account: Account, *, current: str, new: str, session_token: str, accounts: Accounts
) -> Account:
    """Change a password and end the account's other sessions."""
    if not await accounts.passwords.verify(account.password_hash, current):
        await log(accounts, account, SecurityAction.PASSWORD_CHANGE, account.id, Outcome.FAILURE)
        raise AccountError("Your current password is not right.")
    if current == new:
        raise AccountError("Choose a password different from the current one.")
    new_hash = await accounts.passwords.hash(check_password(new))
    changed = await accounts.moderators.change(
        account.id,
        lambda found: replace(found, password_hash=new_hash, must_change_password=False),
    )
    await accounts.sessions.end_others(account.id, keep=session_token)
    await log(accounts, account, SecurityAction.PASSWORD_CHANGE, account.id, Outcome.SUCCESS)
    return changed


async def deactivate(account_id: UUID, *, by: Account, accounts: Accounts) -> Account:
    """Stop an account from signing in and end its sessions."""
    check_not_own(account_id, by=by, change="deactivate")
    changed = await accounts.moderators.change(account_id, lambda a: replace(a, active=False))
    await accounts.sessions.end_all(account_id)
    await log(accounts, by, SecurityAction.ACCOUNT_DEACTIVATED, account_id, Outcome.SUCCESS)
    return changed


async def change_role(account_id: UUID, role: Role, *, by: Account, accounts: Accounts) -> Account:
    check_not_own(account_id, by=by, change="change-role")
    changed = await accounts.moderators.change(account_id, lambda a: replace(a, role=role))
    await accounts.sessions.end_all(account_id)
    await log(accounts, by, SecurityAction.ROLE_CHANGE, account_id, Outcome.SUCCESS, role)
    return changed


async def reset_second_factor(account_id: UUID, *, by: Account, accounts: Accounts) -> Account:
    """A lead clears someone's second factor (lost phone and codes): they enrol again at their
    next sign-in, and every session they have ends."""
    check_not_own(account_id, by=by, change="reset-second-factor")
    changed = await accounts.moderators.change(account_id, Account.second_factor_reset)
    await accounts.sessions.end_all(account_id)
    await log(accounts, by, SecurityAction.SECOND_FACTOR_RESET, account_id, Outcome.SUCCESS)
    return changed


async def reassign(item_id: UUID, *, ctx: Context) -> None:
    """A lead frees an item someone else holds, so another moderator can open it."""

    def free(item: Item) -> list[IntegrationEvent]:
        item.free_claim()
        return []

    await ctx.items.change(item_id, free)
