"""Data subject access: an admin asks for everything held about an address; signups adds its own
part, asks every service with `person.access_requested` (the keyed digest of the address, and the
person's id when signups knows them), keeps each `person.access_answered`, and hands over one JSON
document once all have answered, once (it is then deleted; a TTL drops an unfetched one)."""

import dataclasses
import uuid
from dataclasses import dataclass
from typing import Any

from together_contracts import (
    PersonAccessAnswered,
    PersonAccessRequested,
    PersonAccessRequestedData,
    email_digest,
)
from together_kit.access import plain

from signups.domain.erasures import SELF, waiting_for
from signups.handlers import letter
from signups.handlers.context import PRODUCER, Context


@dataclass(frozen=True)
class Export:
    """`held` is None while `waiting_for` is not empty."""

    access_id: uuid.UUID
    requested_at: str
    waiting_for: list[str]
    held: dict[str, Any] | None


async def request_access(email: str, *, correlation_id: str, ctx: Context) -> uuid.UUID:
    if ctx.access is None:
        raise RuntimeError("subject access is not wired in this context")
    digest = email_digest(email, key=ctx.erasure_key)
    person = await ctx.people.find_by_email(email)
    organisations = await ctx.organisations.with_contact_digest(digest, key=ctx.erasure_key)
    own: dict[str, Any] = {
        "volunteer": plain(dataclasses.asdict(person)) if person else None,
        "organisations": [plain(dataclasses.asdict(o)) for o in organisations],
        "letter_signatures": [
            plain(dataclasses.asdict(s)) for s in await letter.held_for(digest, ctx=ctx)
        ],
    }
    access_id = uuid.uuid4()
    asked = PersonAccessRequested(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=PersonAccessRequestedData(
            access_id=access_id, person_id=person.id if person else None, email_digest=digest
        ),
    )
    await ctx.access.start(
        access_id=access_id, digest=digest, own=own, at=ctx.clock(), events=[asked]
    )
    return access_id


async def record_answer(event: PersonAccessAnswered, ctx: Context) -> None:
    if ctx.access is not None:
        await ctx.access.answered(event.data.access_id, event.data.service, event.data.held)


async def collect(
    access_id: uuid.UUID, *, services: tuple[str, ...], ctx: Context
) -> Export | None:
    """The export once every service has answered (and it is then forgotten); who is still
    awaited otherwise; None for an unknown (or already fetched) request."""
    if ctx.access is None:
        return None
    found = await ctx.access.get(access_id)
    if found is None:
        return None
    answers: dict[str, Any] = found.get("answers", {})
    waiting = waiting_for(answers, services)
    requested_at = found["requested_at"].isoformat()
    if waiting:
        return Export(access_id, requested_at, waiting, None)
    await ctx.access.delete(access_id)
    return Export(access_id, requested_at, [], {s: answers[s] for s in (SELF, *services)})
