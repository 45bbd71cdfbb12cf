"""Co-signing the open letter: a signature waits for its address to be confirmed, then counts.

Written first, read only if need be, as a join is (`handlers.volunteers`): the unique index on the
address turns a second signature away, and only then is the first read. Signing again before
confirming sends the link again (within the address's emails for the day); after confirming it
changes nothing. Every caller answers every signature alike.
"""

from dataclasses import dataclass
from enum import StrEnum

from together_contracts import (
    IntegrationEvent,
    LetterConfirmed,
    LetterConfirmedData,
    LetterSigned,
    LetterSignedData,
)

from signups.domain.letter import (
    AlreadySignedError,
    Signatory,
    SignatoryDetails,
    Signature,
    SignatureNotFoundError,
)
from signups.handlers.context import PRODUCER, Context
from signups.handlers.ports import SignatureRepository


class SignOutcome(StrEnum):
    """What a signature did. Only logs and tests see it."""

    SIGNED = "signed"
    SENT_AGAIN = "sent-again"
    """Signed before and not yet confirmed: the confirmation link went again."""
    ALREADY_SIGNED = "already-signed"
    LIMITED = "limited"
    """The address had all its emails for today: nothing was stored or sent."""


@dataclass(frozen=True)
class SignLetter:
    details: SignatoryDetails
    correlation_id: str


@dataclass(frozen=True)
class PublicList:
    """One page of the public list, numbered from 1, and how many pages and names it has."""

    page: int
    pages: int
    total: int
    signatories: list[Signatory]


def signatures(ctx: Context) -> SignatureRepository:
    if ctx.signatures is None:
        raise RuntimeError("the open letter is not wired in this context")
    return ctx.signatures


async def sign_letter(command: SignLetter, ctx: Context) -> SignOutcome:
    store = signatures(ctx)
    now = ctx.clock()
    email = command.details.email
    if not await ctx.mail_quota.take(email, now=now):
        return SignOutcome.LIMITED
    signature = Signature(command.details, signed_at=now)
    try:
        await store.add(signature, events=[signed(signature, command.correlation_id, ctx)])
    except AlreadySignedError:
        return await _signed_before(command, ctx)
    return SignOutcome.SIGNED


async def _signed_before(command: SignLetter, ctx: Context) -> SignOutcome:
    """The address has signed: send its link again if it never confirmed, else nothing."""
    store = signatures(ctx)
    email = command.details.email
    existing = await store.find_by_email(email)
    if existing is not None and not existing.confirmed:

        def again(signature: Signature) -> list[IntegrationEvent]:
            if signature.confirmed:
                return []
            return [signed(signature, command.correlation_id, ctx)]

        try:
            changed = await store.change(existing.id, again)
        except SignatureNotFoundError:
            changed = None
        if changed is not None and not changed.confirmed:
            return SignOutcome.SENT_AGAIN
    await ctx.mail_quota.give_back(email, now=ctx.clock())
    return SignOutcome.ALREADY_SIGNED


def signed(signature: Signature, correlation_id: str, ctx: Context) -> LetterSigned:
    """The email with the confirmation link: the address and nothing else anyone typed."""
    details = signature.details
    return LetterSigned(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=LetterSignedData(
            signature_id=signature.id,
            email=details.email,
            language=details.language,
            confirm_url=ctx.links.confirm_signature(
                signature.id, signature.confirmation_nonce or ""
            ),
        ),
    )


def confirmed(signature: Signature, correlation_id: str) -> LetterConfirmed:
    details = signature.details
    return LetterConfirmed(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=LetterConfirmedData(
            signature_id=signature.id,
            kind=details.kind,
            nation=details.nation,
            invite=details.invite,
            language=details.language,
        ),
    )


async def public_list(page: int, *, per_page: int, ctx: Context) -> PublicList:
    """Confirmed signatories who agreed to be shown, in the order they confirmed; a page past the
    last is empty."""
    shown, total = await signatures(ctx).shown(skip=(page - 1) * per_page, limit=per_page)
    pages = max(1, -(-total // per_page))
    return PublicList(page=page, pages=pages, total=total, signatories=shown)


async def forget_signatures(digest: str, *, ctx: Context) -> int:
    """Erasure: delete every signature with this address (by its keyed digest)."""
    if ctx.signatures is None:
        return 0
    forgotten = 0
    for signature in await ctx.signatures.with_digest(digest):
        forgotten += await ctx.signatures.delete(signature.id)
    return forgotten


async def held_for(digest: str, *, ctx: Context) -> list[Signature]:
    """Subject access: the signatures with this address."""
    return [] if ctx.signatures is None else await ctx.signatures.with_digest(digest)
