"""Erasure: unpublish and blank an author's stories, thank-yous and statements, then answer
`person.erased`.

`person.erasure_requested` names a person by signups' id; stories are anonymous submissions with
an optional email. When the person asked, the request carries the keyed digest of their email
(`email_digest`, HMAC with the shared erasure key), and moderation finds their stories by the
same digest of the author email it stored (a thank-you's author is found the same way); it is
never told the address. A story told by phone is found by the keyed digest of the caller's
number (`phone_digest`, the same key) when the person asked by phone number; its audio, if still
kept, is deleted with it. A conversation's participant who chose to link their votes to their
volunteer account (handlers.talk.link_volunteer) is found by the person's id: their statements
are blanked and the link is removed, so their votes stay only as a pseudonym's. A community
connector's record (handlers.connectors) is deleted by the person's id. It always answers, so
the erasure completes.

A published story leaves /stories, its page and the API at once (its status is `erased`), and
`story.withdrawn` (by `erasure`) tells anyone who keeps a copy; a published thank-you leaves
/thanks, its page and the 5 July page the same way, told as `thanks.withdrawn`. A statement
leaves the conversation's votes and results at the next analysis; no other service keeps
statements.
"""

from uuid import UUID

from together_contracts import IntegrationEvent, PersonErasureRequested

from moderation.domain.items import Item, ItemNotFoundError, Kind
from moderation.handlers import outgoing_events
from moderation.handlers.context import Context
from moderation.handlers.recordings import forget_audio


async def forget_author(request: PersonErasureRequested, ctx: Context) -> int:
    """Unpublish and blank every story and statement of the requester; return how many were
    touched. Safe to repeat (a redelivery, or `together erasures reapply` after a restore)."""
    touched = 0
    if request.data.email_digest:
        found = await ctx.items.by_author_digest(request.data.email_digest)
        touched += await _forget(found, request, ctx)
    if request.data.phone_digest:
        found = await ctx.items.by_caller_digest(request.data.phone_digest)
        touched += await _forget(found, request, ctx)
    if request.data.person_id is not None:
        touched += await _forget_participant(request.data.person_id, request, ctx)
        if ctx.connectors is not None and await ctx.connectors.delete(request.data.person_id):
            touched += 1
    await ctx.answers.answer(request)
    return touched


async def _forget_participant(
    person_id: UUID, request: PersonErasureRequested, ctx: Context
) -> int:
    """The statements of the participant linked to the person, then the link itself (last, so
    a redelivery after a crash in between still finds the statements)."""
    if ctx.talk is None:
        return 0
    participant = await ctx.talk.linked_to(person_id)
    if participant is None:
        return 0
    touched = await _forget(await ctx.items.by_participant(participant), request, ctx)
    await ctx.talk.unlink(person_id)
    return touched


async def _forget(found: list[Item], request: PersonErasureRequested, ctx: Context) -> int:
    touched = 0
    for item in found:

        def forget(item: Item) -> list[IntegrationEvent]:
            if not item.forget_author() or item.kind not in (Kind.STORY, Kind.THANKS):
                return []
            return [outgoing_events.erasure_event(item, request)]

        try:
            forgotten = await ctx.items.change(item.id, forget, erasing=True)
        except ItemNotFoundError:
            continue
        await forget_audio(forgotten, ctx)
        touched += 1
    return touched
