"""Texts (SMS), which notifications sends: a volunteer who replied STOP to one, or EMAIL, TEXT
or BOTH to choose how we reach them."""

import contextlib

from together_contracts import ChannelsChosen, IntegrationEvent, TextsStopped

from signups.domain.people import Person, PersonNotFoundError
from signups.handlers.context import Context
from signups.handlers.volunteers import contact_changed


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


async def note_channels_chosen(event: ChannelsChosen, ctx: Context) -> None:
    """Apply the channels they chose by replying, as a choice on My together is applied, and tell
    notifications as `volunteer.contact_changed` (it answered the reply already). A choice that
    changes nothing, or asks for email from someone with only a mobile, is dropped."""
    channels = tuple(event.data.channels)
    keyword = event.data.keyword.strip().upper()

    def choose(person: Person) -> list[IntegrationEvent]:
        chosen = person.choose_channels_by_reply(
            channels, keyword, at=event.occurred_at, form_version=ctx.form_version
        )
        return [contact_changed(person, event.correlation_id, reach=True)] if chosen else []

    with contextlib.suppress(PersonNotFoundError):
        await ctx.people.change(event.data.person_id, choose)
