"""Signing in to "My together" with a link emailed to a volunteer's address, or texted to the
mobile of one who joined with only that (signed up by staff); no password.

Asking for a link answers alike for any address or number (the page says nothing of who is
known); only a known, confirmed volunteer is sent one (`person.sign_in_requested`, within the
address's or number's daily allowance). The link shows a button first (mail scanners fetch links)
and works once: spending it forgets the person's sign-in nonce, so no link sent before it works
either.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal
from uuid import UUID

from together_contracts import IntegrationEvent, SignInRequested, SignInRequestedData
from together_kit.signing import Claims, TokenExpiredError, TokenInvalidError
from together_kit.web.site import SIGN_IN_MAX_AGE_SECONDS, SitePurpose, SiteTokens

from signups.domain.people import Person, PersonNotFoundError
from signups.handlers.context import PRODUCER, Context


class SignInOutcome(StrEnum):
    READY = "ready"
    SIGNED_IN = "signed-in"
    EXPIRED = "expired"
    INVALID = "invalid"
    """Tampered with, for someone no longer here, or already used."""


@dataclass(frozen=True)
class SignIn:
    outcome: SignInOutcome
    person_id: UUID | None = None


async def request_sign_in(
    email: str, *, onward: str | None, correlation_id: str, ctx: Context
) -> bool:
    """Send a sign-in link to a known, confirmed volunteer's address; True if one was staged."""
    person = await ctx.people.find_by_email(email)
    return await _send_link(
        person, email, "email", onward=onward, correlation_id=correlation_id, ctx=ctx
    )


async def request_sign_in_by_text(
    phone: str, *, onward: str | None, correlation_id: str, ctx: Context
) -> bool:
    """Text a sign-in link to a mobile (E.164) if it is the one a confirmed volunteer without an
    email address joined with; True if one was staged. Someone with an address signs in by
    email: a number given beside one was never confirmed, and others may have given it too."""
    person = await ctx.people.find_by_phone(phone)
    if person is None or person.details.email or person.details.phone != phone:
        return False
    return await _send_link(
        person, phone, "sms", onward=onward, correlation_id=correlation_id, ctx=ctx
    )


async def _send_link(
    person: Person | None,
    to: str,
    channel: Literal["email", "sms"],
    *,
    onward: str | None,
    correlation_id: str,
    ctx: Context,
) -> bool:
    """Stage `person.sign_in_requested` for a confirmed person, within the day's allowance of
    `to` (their address or number)."""
    if person is None or not person.confirmed:
        return False
    if not await ctx.mail_quota.take(to, now=ctx.clock()):
        return False
    staged = False

    def link(current: Person) -> list[IntegrationEvent]:
        nonlocal staged
        nonce = current.sign_in_link()
        staged = nonce is not None
        if nonce is None:
            return []
        return [
            SignInRequested(
                producer=PRODUCER,
                correlation_id=correlation_id,
                data=SignInRequestedData(
                    person_id=current.id,
                    language=current.details.language,
                    sign_in_url=ctx.links.sign_in(current.id, nonce, onward=onward),
                    channel=channel,
                ),
            )
        ]

    try:
        await ctx.people.change(person.id, link)
    except PersonNotFoundError:
        return False
    return staged


def _site(ctx: Context) -> SiteTokens:
    if ctx.links.site is None:
        raise RuntimeError("signing in needs the site tokens")
    return ctx.links.site


def _claims(token: str, ctx: Context) -> Claims[SitePurpose] | SignInOutcome:
    """The sign-in link's claims, or why it cannot sign anyone in."""
    try:
        claims = _site(ctx).read(token, max_age=SIGN_IN_MAX_AGE_SECONDS)
    except TokenExpiredError:
        return SignInOutcome.EXPIRED
    except TokenInvalidError:
        return SignInOutcome.INVALID
    return claims if claims.purpose is SitePurpose.SIGN_IN else SignInOutcome.INVALID


async def preview(token: str, *, ctx: Context) -> SignIn:
    """Whether the link would sign someone in, without spending it (the page behind a GET)."""
    claims = _claims(token, ctx)
    if isinstance(claims, SignInOutcome):
        return SignIn(claims)
    person = await ctx.people.get(claims.subject)
    if person is None or not person.can_sign_in(claims.nonce):
        return SignIn(SignInOutcome.INVALID)
    return SignIn(SignInOutcome.READY, person.id)


async def sign_in(token: str, *, ctx: Context) -> SignIn:
    """Spend the link: the person it names is signed in, once."""
    claims = _claims(token, ctx)
    if isinstance(claims, SignInOutcome):
        return SignIn(claims)
    spent = False

    def spend(person: Person) -> list[IntegrationEvent]:
        nonlocal spent
        spent = person.spend_sign_in(claims.nonce)
        return []

    known = await ctx.people.get(claims.subject)
    if known is None or not known.can_sign_in(claims.nonce):
        return SignIn(SignInOutcome.INVALID)
    try:
        await ctx.people.change(claims.subject, spend)
    except PersonNotFoundError:
        return SignIn(SignInOutcome.INVALID)
    if not spent:
        return SignIn(SignInOutcome.INVALID)
    return SignIn(SignInOutcome.SIGNED_IN, claims.subject)
