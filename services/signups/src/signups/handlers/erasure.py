"""The right to erasure: asked at /forget, confirmed by an emailed link, answered by every service."""

import uuid
from datetime import datetime
from enum import StrEnum

from together_contracts import (
    ErasureLinkRequested,
    ErasureLinkRequestedData,
    Event,
    PersonErased,
    PersonErasureRequested,
    PersonErasureRequestedData,
    email_sha256,
)
from together_kit.signing import TokenExpiredError, TokenInvalidError

from signups.adapters.people import PersonNotFoundError
from signups.adapters.tokens import ERASURE_MAX_AGE_SECONDS, Purpose
from signups.domain.people import Person
from signups.handlers.context import PRODUCER, Context

SERVICE = "signups"


class ErasureOutcome(StrEnum):
    ERASED = "erased"
    ALREADY_ERASED = "already-erased"
    EXPIRED = "expired"
    INVALID = "invalid"


async def request_erasure_link(email: str, *, correlation_id: str, ctx: Context) -> None:
    """Email the confirmation link if we know the address; say nothing either way."""
    person = await ctx.people.find_by_email(email)
    if person is None:
        return

    def link(current: Person) -> list[Event]:
        return [
            ErasureLinkRequested(
                producer=PRODUCER,
                correlation_id=correlation_id,
                data=ErasureLinkRequestedData(
                    request_id=uuid.uuid4(),
                    name=current.details.name,
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


async def erase(token: str, *, correlation_id: str, ctx: Context) -> ErasureOutcome:
    try:
        claims = ctx.tokens.read(token, max_age=ERASURE_MAX_AGE_SECONDS)
    except TokenExpiredError:
        return ErasureOutcome.EXPIRED
    except TokenInvalidError:
        return ErasureOutcome.INVALID
    if claims.purpose is not Purpose.ERASE:
        return ErasureOutcome.INVALID
    person = await ctx.people.get(claims.subject)
    if person is None:
        known = await ctx.erasures.for_person(claims.subject)
        return ErasureOutcome.ALREADY_ERASED if known else ErasureOutcome.INVALID
    await erase_person(person, reason="asked", correlation_id=correlation_id, ctx=ctx)
    return ErasureOutcome.ERASED


async def erase_person(person: Person, *, reason: str, correlation_id: str, ctx: Context) -> None:
    """Record the erasure with its event (and a tombstone), then delete the person's data.

    The record is written first: if the process dies before the delete, the record exists and the
    next attempt (the link again, or the purge loop) finishes the delete.
    """
    now = ctx.clock()
    erasure_id = uuid.uuid4()
    requested = PersonErasureRequested(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=PersonErasureRequestedData(
            erasure_id=erasure_id,
            person_id=person.id,
            email_sha256=email_sha256(person.details.email) if reason == "asked" else None,
        ),
    )
    await ctx.erasures.record(
        erasure_id=erasure_id,
        person_id=person.id,
        reason=reason,
        email=person.details.email if reason == "asked" else None,
        at=now,
        events=[requested],
    )
    await ctx.people.delete(person.id)
    existing = await ctx.erasures.for_person(person.id)
    if existing is not None:
        await ctx.erasures.answered(erasure_id=uuid.UUID(existing["_id"]), service=SERVICE, at=now)


async def record_erased(event: PersonErased, ctx: Context) -> None:
    await ctx.erasures.answered(
        erasure_id=event.data.erasure_id, service=event.data.service, at=event.occurred_at
    )


async def purge_unconfirmed(*, ctx: Context, now: datetime | None = None) -> int:
    """Erase people who never confirmed within 30 days; return how many."""
    from signups.domain.people import PENDING_PURGED_AFTER

    cutoff = (now or ctx.clock()) - PENDING_PURGED_AFTER
    purged = 0
    async for person in ctx.people.pending_joined_before(cutoff):
        await erase_person(
            person, reason="unconfirmed", correlation_id=f"purge-{uuid.uuid4().hex}", ctx=ctx
        )
        purged += 1
    return purged
