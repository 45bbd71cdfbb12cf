"""Signing in to the moderator UI: a password, then a second factor, in two steps.

1. `sign_in` checks the client address's throttle, then the password. A right password starts a
   short session at the `password` stage: the moderator then enrols (first time, `enrol`) or types
   a code from their app or a recovery code (`second_factor`), which ends that session and starts
   a full one under a new token.
2. Every attempt costs one password hash, whether the email has an account or not, whether the
   account is locked, so neither the answer nor its timing says which emails exist or which
   accounts are locked: a wrong password and a locked account get the same answer.
3. Wrong passwords and wrong codes count towards the account's lockout and the address's
   throttle alike; only a full sign-in clears the account's count.

Everything is written to the security log; never a password, a code or a secret.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from moderation.domain.moderators import Account, AccountError
from moderation.domain.second_factor import (
    accepted_step,
    looks_like_recovery_code,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    recovery_digest,
)
from moderation.domain.security_log import NOBODY, Outcome, SecurityAction
from moderation.domain.sessions import Session
from moderation.handlers.moderators import Accounts, log

Next = Literal["", "enrol", "code"]


@dataclass(frozen=True)
class SignIn:
    session: Session | None = None
    account: Account | None = None
    retry_after: float = 0.0
    """Seconds the client address must wait (the throttle answered, nothing else was looked at)."""
    recovery_codes: tuple[str, ...] = ()
    """Shown once, right after enrolment."""

    @property
    def next(self) -> Next:
        """What the moderator does next: enrol a second factor, type a code, or nothing."""
        if self.session is None or self.account is None or self.session.full:
            return ""
        return "code" if self.account.totp_enrolled else "enrol"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str


async def sign_in(email: str, password: str, *, address: str, accounts: Accounts) -> SignIn:
    now = accounts.clock()
    if refused := await _throttled(SecurityAction.SIGN_IN, address, now=now, accounts=accounts):
        return refused
    account = await accounts.moderators.by_email(email)
    if account is None:
        await accounts.passwords.spend(password)
        return await _refused(accounts, address, None, Outcome.FAILURE)
    if account.locked(now):
        await accounts.passwords.spend(password)
        return await _refused(accounts, address, account, Outcome.REFUSED_LOCKED)
    if not await accounts.passwords.verify(account.password_hash, password):
        await _count_failure(accounts, account)
        return await _refused(accounts, address, account, Outcome.FAILURE)
    if not account.active:
        return await _refused(accounts, address, account, Outcome.REFUSED_INACTIVE)
    if accounts.passwords.needs_rehash(account.password_hash):
        rehash = await accounts.passwords.hash(password)
        account = await accounts.moderators.change(
            account.id, lambda current: replace(current, password_hash=rehash)
        )
    session = await accounts.sessions.start(
        account.id, now=now, lifetime=accounts.second_factor_window, stage="password"
    )
    await log(accounts, account, SecurityAction.SIGN_IN, account.id, Outcome.PASSWORD_ACCEPTED)
    return SignIn(session=session, account=account)


async def pending(token: str, *, accounts: Accounts) -> tuple[Account, Session] | None:
    """The account and session of someone whose password was right and whose second factor is
    awaited; None if there is no such session, or the account can no longer sign in."""
    session = await accounts.sessions.find(token, now=accounts.clock())
    if session is None or session.full:
        return None
    account = await accounts.moderators.get(session.moderator_id)
    if account is None or not account.active or account.locked(accounts.clock()):
        await accounts.sessions.end(token)
        return None
    return account, session


async def enrolment(account: Account, *, accounts: Accounts) -> Enrolment:
    """The secret to show a moderator enrolling (made once, kept until they confirm it)."""
    if account.totp_enrolled:
        raise AccountError("This account already has a second factor.")
    secret = account.totp_secret
    if not secret:

        def give_secret(current: Account) -> Account:
            return current if current.totp_secret else replace(current, totp_secret=new_secret())

        secret = (await accounts.moderators.change(account.id, give_secret)).totp_secret
    uri = provisioning_uri(secret, account=account.email, issuer=accounts.issuer)
    return Enrolment(secret=secret, uri=uri)


async def enrol(token: str, code: str, *, address: str, accounts: Accounts) -> SignIn:
    """Confirm the secret with a code from the app: the second factor is on, ten recovery codes
    are made (shown once), and a full session starts."""
    now = accounts.clock()
    found = await pending(token, accounts=accounts)
    if found is None:
        return SignIn()
    account, _ = found
    step = accepted_step(account.totp_secret, code, now=now, after=0)
    if account.totp_enrolled or step is None:
        await log(accounts, account, SecurityAction.ENROLMENT, account.id, Outcome.FAILURE)
        return SignIn(account=account)
    codes = new_recovery_codes()

    def enrolled(current: Account) -> Account:
        if current.totp_enrolled or current.totp_secret != account.totp_secret:
            raise AccountError("The second factor changed meanwhile; sign in again.")
        digests = tuple(recovery_digest(one) for one in codes)
        return replace(
            current.signed_in(), totp_enrolled=True, last_totp_step=step, recovery_codes=digests
        )

    account = await accounts.moderators.change(account.id, enrolled)
    await log(accounts, account, SecurityAction.ENROLMENT, account.id, Outcome.SUCCESS)
    signed_in = await _full_session(account, token, accounts=accounts)
    return replace(signed_in, recovery_codes=tuple(codes))


async def second_factor(token: str, code: str, *, address: str, accounts: Accounts) -> SignIn:
    """A code from the app (or a recovery code, once) finishes signing in."""
    now = accounts.clock()
    if refused := await _throttled(
        SecurityAction.SECOND_FACTOR, address, now=now, accounts=accounts
    ):
        return refused
    found = await pending(token, accounts=accounts)
    if found is None or not found[0].totp_enrolled:
        return SignIn()
    account, _ = found
    step = accepted_step(account.totp_secret, code, now=now, after=account.last_totp_step)
    digest = recovery_digest(code) if looks_like_recovery_code(code) else ""

    def used(current: Account) -> Account:
        if step is not None and step > current.last_totp_step:
            return replace(current.signed_in(), last_totp_step=step)
        if digest and digest in current.recovery_codes:
            left = tuple(one for one in current.recovery_codes if one != digest)
            return replace(current.signed_in(), recovery_codes=left)
        raise AccountError("not accepted")

    try:
        account = await accounts.moderators.change(account.id, used)
    except AccountError:
        failed = await _count_failure(accounts, account)
        if failed.locked(now):
            await accounts.sessions.end(token)
        await accounts.throttle.failed(address, now=now)
        await log(accounts, account, SecurityAction.SECOND_FACTOR, account.id, Outcome.FAILURE)
        return SignIn(account=failed if not failed.locked(now) else None)
    if step is None:
        left = str(len(account.recovery_codes))
        await log(
            accounts, account, SecurityAction.RECOVERY_CODE, account.id, Outcome.SUCCESS, left
        )
    return await _full_session(account, token, accounts=accounts)


async def signed_in(token: str, *, accounts: Accounts) -> tuple[Account, Session] | None:
    """The active account and live, fully signed-in session a session cookie names, if any."""
    session = await accounts.sessions.find(token, now=accounts.clock())
    if session is None or not session.full:
        return None
    account = await accounts.moderators.get(session.moderator_id)
    if account is None or not account.active:
        await accounts.sessions.end(token)
        return None
    return account, session


async def sign_out(account: Account, token: str, *, accounts: Accounts) -> None:
    await accounts.sessions.end(token)
    await log(accounts, account, SecurityAction.SIGN_OUT, account.id, Outcome.SUCCESS)


async def _throttled(
    action: SecurityAction, address: str, *, now: datetime, accounts: Accounts
) -> SignIn | None:
    """The answer (logged) while `address` must wait after failed attempts; None if it may try."""
    wait = await accounts.throttle.wait(address, now=now)
    if wait <= 0:
        return None
    await log(accounts, NOBODY, action, "", Outcome.THROTTLED, address)
    return SignIn(retry_after=wait)


async def _full_session(account: Account, pending_token: str, *, accounts: Accounts) -> SignIn:
    await accounts.sessions.end(pending_token)
    session = await accounts.sessions.start(
        account.id, now=accounts.clock(), lifetime=accounts.session_lifetime
    )
    await log(accounts, account, SecurityAction.SIGN_IN, account.id, Outcome.SUCCESS)
    return SignIn(session=session, account=account)


async def _count_failure(accounts: Accounts, account: Account) -> Account:
    """One more failure on the account; a lockout is logged when this one locks it."""
    now = accounts.clock()
    failed = await accounts.moderators.change(
        account.id, lambda current: current.failed(now, accounts.lockout)
    )
    if failed.locked(now) and not account.locked(now):
        await log(accounts, account, SecurityAction.LOCKOUT, account.id, Outcome.SUCCESS)
    return failed


async def _refused(
    accounts: Accounts, address: str, account: Account | None, outcome: Outcome
) -> SignIn:
    await accounts.throttle.failed(address, now=accounts.clock())
    actor: Account | str = account if account is not None else NOBODY
    target = account.id if account is not None else ""
    await log(accounts, actor, SecurityAction.SIGN_IN, target, outcome)
    return SignIn()
