"""Assisted entry (issue 23): staff sign up a volunteer from a paper form or a phone call, and
erase one who asked by phone or letter, found by their mobile.

With an email, the sign-up is a join like any other (pending, the confirmation email: the
address's owner confirms it), its consents logged with the assisted source and form version.
With only a UK mobile, the person is confirmed at once (the staff member witnessed the consents):
`volunteer.registered` (no email; notifications texts the welcome) and `volunteer.confirmed` (so
matching matches them). The same mobile entered again reaches the same person.
"""

import copy
from dataclasses import dataclass
from uuid import UUID

import together_contracts as contracts

from signups.domain.assisted import AskedBy, Staff, Witness, erasure_note
from signups.domain.erasures import ASKED
from signups.domain.people import (
    EmailAlreadyRegisteredError,
    JoinContext,
    Person,
    PersonNotFoundError,
    VolunteerDetails,
)
from signups.handlers import erasure, volunteers
from signups.handlers.context import Context
from signups.handlers.volunteers import Joined, JoinOutcome, JoinVolunteer

ENTRY_ATTEMPTS = 3


@dataclass(frozen=True)
class EnterVolunteer:
    details: VolunteerDetails
    witness: Witness
    correlation_id: str


async def enter_volunteer(command: EnterVolunteer, ctx: Context) -> Joined:
    witness = command.witness
    if command.details.email is not None:
        join = JoinVolunteer(
            details=command.details,
            source=witness.source,
            correlation_id=command.correlation_id,
            form_version=witness.form_version,
        )
        return await volunteers.join_volunteer(join, ctx)
    context = JoinContext(now=ctx.clock(), source=witness.source, form_version=witness.form_version)
    for _ in range(ENTRY_ATTEMPTS):
        person = Person.witnessed(command.details, context)
        events = [
            registered_by_staff(person, command, ctx),
            volunteers.confirmed(person, command.correlation_id),
        ]
        try:
            await ctx.people.add(person, events=events)
        except EmailAlreadyRegisteredError:
            existing = await ctx.people.find_by_phone(command.details.phone or "")
            if existing is None or existing.details.email is not None:
                continue
            return await _enter_again(existing, command, context, ctx)
        return Joined(person.id, JoinOutcome.REGISTERED)
    raise EmailAlreadyRegisteredError(command.details.phone)


async def _enter_again(
    existing: Person, command: EnterVolunteer, context: JoinContext, ctx: Context
) -> Joined:
    """The mobile is a mobile-only volunteer's already: the new details apply to them (the
    staff member witnessed them), told as an update; nothing is texted again."""
    if not copy.deepcopy(existing).witnessed_again(command.details, context):
        return Joined(existing.id, JoinOutcome.UNCHANGED)

    def change(person: Person) -> list[contracts.IntegrationEvent]:
        reach = person.reach
        if not person.witnessed_again(command.details, context):
            return []
        return [
            volunteers.updated(person, command.correlation_id),
            volunteers.contact_changed(person, command.correlation_id, reach=person.reach != reach),
        ]

    try:
        await ctx.people.change(existing.id, change)
    except PersonNotFoundError:
        return Joined(None, JoinOutcome.UNCHANGED)
    return Joined(existing.id, JoinOutcome.UNCHANGED)


def registered_by_staff(
    person: Person, command: EnterVolunteer, ctx: Context
) -> contracts.VolunteerRegistered:
    """`volunteer.registered` of a mobile-only volunteer: no email, no confirmation link; the
    staff member's first name and the district for the welcome text."""
    event = volunteers.registered(
        person, JoinVolunteer(command.details, "", command.correlation_id), ctx
    )
    data = event.data.model_copy(
        update={
            "confirm_url": "",
            "signed_up_by": command.witness.staff.first_name,
            "outward_code": person.details.outward_code,
        }
    )
    return event.model_copy(update={"data": data})


async def find_by_phone(phone: str, ctx: Context) -> Person | None:
    """The volunteer with this mobile (E.164), for staff erasing someone who asked by phone."""
    return await ctx.people.find_by_phone(phone)


async def erase_by_phone(
    person_id: UUID, *, asked_by: AskedBy, staff: Staff, correlation_id: str, ctx: Context
) -> bool:
    """Erase the volunteer staff found by their mobile, as one who asked at /forget is erased;
    the erasure log notes how they asked and who acted. False if they are gone already."""
    person = await ctx.people.get(person_id)
    if person is None:
        return False
    await erasure.erase_person(
        person,
        reason=ASKED,
        note=erasure_note(asked_by, staff),
        correlation_id=correlation_id,
        ctx=ctx,
    )
    return True
