"""What a signed-in volunteer does on "My together": change their details (through the emailed
link, as a join does), choose how we reach them (at once), download what signups holds about
them, be forgotten."""

import dataclasses
from typing import Any
from uuid import UUID

from together_contracts import Channel, IntegrationEvent, email_digest
from together_kit.access import plain

from signups.domain.erasures import ASKED
from signups.domain.people import JoinContext, Person, PersonNotFoundError, VolunteerDetails
from signups.handlers import erasure, letter
from signups.handlers.context import Context
from signups.handlers.volunteers import (
    JoinOutcome,
    JoinVolunteer,
    contact_changed,
    join_volunteer,
)

SECRETS = frozenset({"confirmation_nonce", "applied_change_nonce", "sign_in_nonce", "nonce"})
"""Parts of the record that work links: not data about anyone, and never handed out."""

SOURCE = "my-together"
"""The consent log's source for what is asked on "My together": a change (confirmed by link), and
the channels, applied at once."""


async def current(person_id: UUID | None, ctx: Context) -> Person | None:
    """The signed-in volunteer, if they are still here and confirmed."""
    if person_id is None:
        return None
    person = await ctx.people.get(person_id)
    return person if person is not None and person.confirmed else None


async def change_details(
    person: Person, details: VolunteerDetails, *, correlation_id: str, ctx: Context
) -> JoinOutcome:
    """Ask for a change to the person's details: exactly what a join with their address does
    (`Person.rejoin`), so nothing applies before the link emailed to that address is followed.
    The address, phone and channels are not changed here (`choose_reach` does)."""
    held = person.details
    same_address = dataclasses.replace(
        details, email=held.email, phone=held.phone, channels=held.channels
    )
    joined = await join_volunteer(
        JoinVolunteer(details=same_address, source=SOURCE, correlation_id=correlation_id), ctx
    )
    return joined.outcome


async def choose_reach(
    person: Person,
    channels: tuple[Channel, ...],
    phone: str | None,
    *,
    correlation_id: str,
    ctx: Context,
) -> bool:
    """The signed-in volunteer chose how to hear of invitations, reminders and changes, and
    their phone: applied at once (they are signed in, so they own the address) and told to
    notifications as `volunteer.contact_changed`. Choosing text again after a STOP is how texts
    restart: notifications lifts its stop on the number when told text is chosen. Returns whether
    anything changed."""
    context = JoinContext(now=ctx.clock(), source=SOURCE, form_version=ctx.form_version)
    changed = False

    def choose(current: Person) -> list[IntegrationEvent]:
        nonlocal changed  # the last attempt's answer: a refused write is tried again
        changed = current.choose_channels(channels, phone, context)
        return [contact_changed(current, correlation_id, reach=True)] if changed else []

    try:
        await ctx.people.change(person.id, choose)
    except PersonNotFoundError:
        return False
    return changed


async def my_data(person: Person, ctx: Context) -> dict[str, Any]:
    """Everything signups holds about the person: their record with its consent log and any
    pending change, organisations they are the contact of, and their signature of the letter."""
    email = person.details.email
    digest = email_digest(email, key=ctx.erasure_key) if email else None
    organisations = (
        await ctx.organisations.with_contact_digest(digest, key=ctx.erasure_key) if digest else []
    )
    signatures = await letter.held_for(digest, ctx=ctx) if digest else []
    return {
        "service": "signups",
        "exported_at": ctx.clock().isoformat(),
        "volunteer": _without_secrets(plain(dataclasses.asdict(person))),
        "organisations": [_without_secrets(plain(dataclasses.asdict(o))) for o in organisations],
        "letter_signatures": [_without_secrets(plain(dataclasses.asdict(s))) for s in signatures],
    }


def _without_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_secrets(v) for k, v in value.items() if k not in SECRETS}
    if isinstance(value, list):
        return [_without_secrets(item) for item in value]
    return value


async def forget(person: Person, *, correlation_id: str, ctx: Context) -> None:
    """The erasure /forget's emailed link starts, asked from the person's own signed-in page."""
    await erasure.erase_person(person, reason=ASKED, correlation_id=correlation_id, ctx=ctx)
