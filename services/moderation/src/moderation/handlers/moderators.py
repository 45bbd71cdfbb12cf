"""Moderator accounts and sign-in: create, sign in and out, lock out, deactivate, change roles.

Every sign-in attempt costs one password hash, whether the email has an account or not and
whether the account is locked, so neither the answer nor its timing says which emails exist;
only a locked account says it is locked (after five wrong passwords, which proves little).
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from uuid import UUID

from together_contracts import Event

from moderation.adapters.moderators import MongoModeratorRepository, Passwords
from moderation.adapters.sessions import MongoSessionRepository, Session
from moderation.domain.decisions import Role
from moderation.domain.items import Item
from moderation.domain.moderators import (
    Account,
    AccountError,
    Lockout,
    check_new_account,
    check_password,
)
from moderation.handlers.context import Context


@dataclass(frozen=True)
class Accounts:
    """The ports of sign-in and account management; bootstrap builds them."""

    moderators: MongoModeratorRepository
    sessions: MongoSessionRepository
    passwords: Passwords
    clock: Callable[[], datetime]
    lockout: Lockout = field(default_factory=Lockout)
    session_lifetime: timedelta = timedelta(hours=8)


@dataclass(frozen=True)
class SignIn:
    session: Session | None = None
    account: Account | None = None
    locked_until: datetime | None = None


async def sign_in(email: str, password: str, *, accounts: Accounts) -> SignIn:
    now = accounts.clock()
    account = await accounts.moderators.by_email(email)
    if account is None:
        await accounts.passwords.spend(password)
        return SignIn()
    if account.locked(now):
        await accounts.passwords.spend(password)
        return SignIn(locked_until=account.locked_until)
    if not await accounts.passwords.verify(account.password_hash, password):
        failed = await accounts.moderators.change(
            account.id, lambda current: current.failed(now, accounts.lockout)
        )
        return SignIn(locked_until=failed.locked_until if failed.locked(now) else None)
    if not account.active:
        return SignIn()
    rehash = await accounts.passwords.hash(password) if _stale(account, accounts) else None
    account = await accounts.moderators.change(
        account.id,
        lambda current: replace(current.signed_in(), password_hash=rehash or current.password_hash),
    )
    session = await accounts.sessions.start(account.id, now=now, lifetime=accounts.session_lifetime)
    return SignIn(session=session, account=account)


def _stale(account: Account, accounts: Accounts) -> bool:
    return accounts.passwords.needs_rehash(account.password_hash)


async def signed_in(token: str, *, accounts: Accounts) -> tuple[Account, Session] | None:
    """The active account and live session a session cookie names, if any."""
    session = await accounts.sessions.find(token, now=accounts.clock())
    if session is None:
        return None
    account = await accounts.moderators.get(session.moderator_id)
    if account is None or not account.active:
        await accounts.sessions.end(token)
        return None
    return account, session


async def sign_out(token: str, *, accounts: Accounts) -> None:
    await accounts.sessions.end(token)


async def create_account(
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    accounts: Accounts,
    must_change_password: bool = False,
) -> Account:
    """Raises `AccountError` for bad input, `AccountExistsError` for a taken email or name."""
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
    return account


async def create_with_temporary_password(
    *, email: str, name: str, role: Role, accounts: Accounts
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
    )
    return account, temporary


async def change_password(
    account: Account, *, current: str, new: str, session_token: str, accounts: Accounts
) -> Account:
    """Change a password and end the account's other sessions."""
    if not await accounts.passwords.verify(account.password_hash, current):
        raise AccountError("Your current password is not right.")
    if current == new:
        raise AccountError("Choose a password different from the current one.")
    new_hash = await accounts.passwords.hash(check_password(new))
    changed = await accounts.moderators.change(
        account.id,
        lambda found: replace(found, password_hash=new_hash, must_change_password=False),
    )
    await accounts.sessions.end_others(account.id, keep=session_token)
    return changed


async def deactivate(account_id: UUID, *, by: Account, accounts: Accounts) -> Account:
    """Stop an account from signing in and end its sessions."""
    if account_id == by.id:
        raise AccountError("You cannot deactivate your own account.")
    changed = await accounts.moderators.change(account_id, lambda a: replace(a, active=False))
    await accounts.sessions.end_all(account_id)
    return changed


async def change_role(account_id: UUID, role: Role, *, by: Account, accounts: Accounts) -> Account:
    if account_id == by.id:
        raise AccountError("Ask another lead to change your own role.")
    changed = await accounts.moderators.change(account_id, lambda a: replace(a, role=role))
    await accounts.sessions.end_all(account_id)
    return changed


async def reassign(item_id: UUID, *, ctx: Context) -> None:
    """A lead frees an item someone else holds, so another moderator can open it."""

    def free(item: Item) -> list[Event]:
        item.claim = None
        return []

    await ctx.items.change(item_id, free)
