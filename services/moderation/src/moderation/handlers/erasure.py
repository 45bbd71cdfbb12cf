"""Erasure: unpublish and blank an author's stories, then answer `person.erased`.

`person.erasure_requested` names a person by signups' id, which moderation never sees: stories
are anonymous submissions with an optional email. When the person asked, the request carries the
keyed digest of their email (`email_digest`, HMAC with the shared erasure key), and moderation
finds their stories by the same digest of the author email it stored; it is never told the
address. Without a digest there is nothing to match, and it answers at once. It always answers,
so the erasure completes.

A published story leaves /stories, its page and the API at once (its status is `erased`), and
`story.withdrawn` (by `erasure`) tells anyone who keeps a copy.
"""

from together_contracts import IntegrationEvent, PersonErasureRequested

from moderation.domain.items import Item, ItemNotFoundError
from moderation.handlers import outgoing_events
from moderation.handlers.context import Context


async def forget_author(request: PersonErasureRequested, ctx: Context) -> int:
    """Unpublish and blank every story the requester submitted; return how many were touched.
    Safe to repeat (a redelivery, or `together erasures reapply` after a restore)."""
    digest = request.data.email_digest
    touched = 0
    if digest:
        for found in await ctx.items.by_author_digest(digest):

            def forget(item: Item) -> list[IntegrationEvent]:
                if not item.forget_author():
                    return []
                return [outgoing_events.erasure_event(item, request)]

            try:
                await ctx.items.change(found.id, forget)
            except ItemNotFoundError:
                continue
            touched += 1
    await ctx.answers.answer(request)
    return touched
