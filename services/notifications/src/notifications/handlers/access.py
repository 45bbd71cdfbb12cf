"""Subject access: what notifications holds about a person (their contact and preferences, by id;
organisation contacts and the delivery log's entries to them, by id or by the keyed digest of
their address), told to signups as `person.access_answered`."""

import dataclasses
from typing import Any

from together_contracts import PersonAccessRequested

from notifications.handlers.context import Context


async def answer_access(request: PersonAccessRequested, ctx: Context) -> None:
    if ctx.access_answers is None:
        return
    person_id = str(request.data.person_id) if request.data.person_id else None
    contact = await ctx.contacts.get(person_id) if person_id else None
    by_address = await ctx.contacts.with_address(request.data.email_digest)
    others = [c for c in by_address if contact is None or c.person_id != contact.person_id]
    messages = await ctx.messages.held_about(person_id=person_id, digest=request.data.email_digest)
    held: dict[str, Any] = {
        "contact": dataclasses.asdict(contact) if contact else None,
        "organisation_contacts": [dataclasses.asdict(other) for other in others],
        "messages": messages,
    }
    await ctx.access_answers.answer(request, held)
