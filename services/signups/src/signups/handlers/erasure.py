"""The right to erasure: asked at /forget, confirmed by an emailed link, answered by every service.

Anyone can be forgotten by address: a volunteer (the link names their record), and an organisation
contact, signatory of the open letter, event organiser or story author signups does not know as a
volunteer (the link names a pending request that holds only the address's keyed digest).
Confirming publishes `person.erasure_requested` with that digest, and the person's id when there
is a person (with the keyed digest of their phone number when they gave one, so notifications
forgets the texts to and from it).

Erasure by phone number alone is not offered here: its link would have to be texted, and whoever
typed a number need not own it. Staff erase by phone number instead, for someone who asked them by
phone or letter (handlers.assisted).
"""

import uuid
from datetime import datetime
from enum import StrEnum

from together_contracts import (
    ErasureLinkRequested,
    ErasureLinkRequestedData,
    IntegrationEvent,
    Language,
    PersonErased,
    PersonErasureRequested,
    PersonErasureRequestedData,
    email_digest,
    phone_digest,
)
from together_kit.signing import TokenExpiredError, TokenInvalidError

from signups.domain.erasures import ASKED, SELF, UNCONFIRMED, reaches_address
from signups.domain.links import ERASURE_MAX_AGE_SECONDS, Purpose
from signups.domain.people import PENDING_PURGED_AFTER, Person, PersonNotFoundError
from signups.handlers import letter
from signups.handlers.context import PRODUCER, Context


class ErasureOutcome(StrEnum):
    ERASED = "erased"
    ALREADY_ERASED = "already-erased"
    EXPIRED = "expired"
    INVALID = "invalid"


async def request_erasure_link(
    email: str, *, correlation_id: str, ctx: Context, language: Language = "en"
) -> None:
    """Email the address the link that confirms its erasure, known or not; say nothing either way.

    For an address that is not a volunteer's, the link names a request holding only the digest,
    and the email carries no name (nothing anyone could have typed in); nor does one to a volunteer
    who never confirmed. The link counts against the address's daily allowance of emails, like a
    confirmation: past it, nothing is sent."""
    if not await ctx.mail_quota.take(email, now=ctx.clock()):
        return
    person = await ctx.people.find_by_email(email)
    if person is None:
        await _request_address_link(
            email, correlation_id=correlation_id, ctx=ctx, language=language
        )
        return

    def link(current: Person) -> list[IntegrationEvent]:
        return [
            ErasureLinkRequested(
                producer=PRODUCER,
                correlation_id=correlation_id,
                data=ErasureLinkRequestedData(
                    request_id=uuid.uuid4(),
                    name=current.name_in_emails,
                    email=current.details.email,
                    language=current.details.language,
                    confirm_url=ctx.links.erase(current.id, ""),
                ),
            )
        ]

    try:
        await ctx.people.change(person.id, link)
    except PersonNotFoundError:
        return


async def _request_address_link(
    email: str, *, correlation_id: str, ctx: Context, language: Language
) -> None:
    request_id = uuid.uuid4()
    linked = ErasureLinkRequested(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=ErasureLinkRequestedData(
            request_id=request_id,
            email=email,
            language=language,
            confirm_url=ctx.links.erase_address(request_id),
        ),
    )
    await ctx.erasures.ask(
        request_id=request_id,
        digest=email_digest(email, key=ctx.erasure_key),
        at=ctx.clock(),
        events=[linked],
    )


async def erase(token: str, *, correlation_id: str, ctx: Context) -> ErasureOutcome:
    try:
        claims = ctx.tokens.read(token, max_age=ERASURE_MAX_AGE_SECONDS)
    except TokenExpiredError:
        return ErasureOutcome.EXPIRED
    except TokenInvalidError:
        return ErasureOutcome.INVALID
    if claims.purpose is Purpose.ERASE_ADDRESS:
        return await erase_address(claims.subject, correlation_id=correlation_id, ctx=ctx)
    if claims.purpose is not Purpose.ERASE:
        return ErasureOutcome.INVALID
    person = await ctx.people.get(claims.subject)
    if person is None:
        known = await ctx.erasures.for_person(claims.subject)
        return ErasureOutcome.ALREADY_ERASED if known else ErasureOutcome.INVALID
    await erase_person(person, reason=ASKED, correlation_id=correlation_id, ctx=ctx)
    return ErasureOutcome.ERASED


async def erase_person(
    person: Person, *, reason: str, correlation_id: str, ctx: Context, note: str | None = None
) -> None:
    """Record the erasure with its event (and a tombstone), then delete the person's data;
    `note` says how someone asked staff for it (assisted erasure by phone number).

    The record is written first: if the process dies before the delete, the record exists and the
    next attempt (the link again, or the purge loop) finishes the delete.
    """
    now = ctx.clock()
    erasure_id = uuid.uuid4()
    email = person.details.email
    digest = email_digest(email, key=ctx.erasure_key) if email and reaches_address(reason) else None
    phone = person.details.phone
    number = phone_digest(phone, key=ctx.erasure_key) if phone and reaches_address(reason) else None
    requested = PersonErasureRequested(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=PersonErasureRequestedData(
            erasure_id=erasure_id, person_id=person.id, email_digest=digest, phone_digest=number
        ),
    )
    await ctx.erasures.record(
        erasure_id=erasure_id,
        person_id=person.id,
        reason=reason,
        email=None,
        digest=digest,
        at=now,
        events=[requested],
        note=note,
    )
    await ctx.people.delete(person.id)
    if digest is not None:
        await forget_address(digest, ctx=ctx)
    existing = await ctx.erasures.for_person(person.id)
    if existing is not None:
        await ctx.erasures.answered(erasure_id=uuid.UUID(existing["_id"]), service=SELF, at=now)


async def erase_address(
    request_id: uuid.UUID, *, correlation_id: str, ctx: Context
) -> ErasureOutcome:
    """Confirm an erasure asked for an address that was not a volunteer's when asked."""
    asked = await ctx.erasures.asked(request_id)
    if asked is None:
        return ErasureOutcome.INVALID
    if asked.get("erasure_id"):
        return ErasureOutcome.ALREADY_ERASED
    digest = str(asked["email_digest"])
    now = ctx.clock()
    erasure_id = uuid.uuid4()
    requested = PersonErasureRequested(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=PersonErasureRequestedData(erasure_id=erasure_id, email_digest=digest),
    )
    await ctx.erasures.record(
        erasure_id=erasure_id,
        person_id=None,
        reason=ASKED,
        email=None,
        digest=digest,
        at=now,
        events=[requested],
    )
    await ctx.erasures.confirmed(request_id, erasure_id)
    await forget_address(digest, ctx=ctx)
    await ctx.erasures.answered(erasure_id=erasure_id, service=SELF, at=now)
    return ErasureOutcome.ERASED


async def forget_address(digest: str, *, ctx: Context) -> None:
    """Delete what is held under the address besides a volunteer's record: the organisations it
    is the contact of, and its signature of the open letter."""
    await forget_organisation_contact(digest, ctx=ctx)
    await letter.forget_signatures(digest, ctx=ctx)


async def forget_organisation_contact(digest: str, *, ctx: Context) -> int:
    """Delete every organisation whose contact has this address (its pledge goes with it)."""
    forgotten = 0
    for organisation in await ctx.organisations.with_contact_digest(digest, key=ctx.erasure_key):
        forgotten += await ctx.organisations.delete(organisation.id)
    return forgotten


async def erase_again(request: PersonErasureRequested, ctx: Context) -> None:
    """`person.erasure_requested`, ours or re-published by `together erasures reapply` after a
    restore from backup: delete whatever of the person is here (again). Idempotent; it tells
    nothing, since the erasure was told when first confirmed."""
    if request.data.person_id is not None:
        await ctx.people.delete(request.data.person_id)
    if request.data.email_digest is not None:
        await forget_address(request.data.email_digest, ctx=ctx)


async def record_erased(event: PersonErased, ctx: Context) -> None:
    await ctx.erasures.answered(
        erasure_id=event.data.erasure_id, service=event.data.service, at=event.occurred_at
    )


async def purge_unconfirmed(*, ctx: Context, now: datetime | None = None) -> int:
    """Erase people who never confirmed within 30 days; return how many."""
    cutoff = (now or ctx.clock()) - PENDING_PURGED_AFTER
    purged = 0
    async for person in ctx.people.pending_joined_before(cutoff):
        await erase_person(
            person, reason=UNCONFIRMED, correlation_id=f"purge-{uuid.uuid4().hex}", ctx=ctx
        )
        purged += 1
    return purged
