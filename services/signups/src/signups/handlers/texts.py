"""Texts (SMS), which notifications sends: a volunteer who replied STOP to one."""

import contextlib

from together_contracts import IntegrationEvent, TextsStopped

from signups.domain.people import Person, PersonNotFoundError
from signups.handlers.context import Context


async def note_texts_stopped(event: TextsStopped, ctx: Context) -> None:
    """Record in the consent log that the volunteer stopped texts by replying (`sms-reply:STOP`),
    and drop text from their channels. Nothing is told back: notifications, which heard the
    reply, already sends them no texts. The consumer's inbox takes each event once; a second
    STOP finds texts already off and changes nothing."""
    keyword = event.data.keyword.strip().upper()

    def stop(person: Person) -> list[IntegrationEvent]:
        person.stop_texts(keyword, at=event.occurred_at, form_version=ctx.form_version)
        return []

    with contextlib.suppress(PersonNotFoundError):
        await ctx.people.change(event.data.person_id, stop)
