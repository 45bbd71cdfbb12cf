"""Subject access: what moderation holds about a person, found by the keyed digest of their email
(stories they shared with an address), told to signups as `person.access_answered`."""

from typing import Any, Protocol

from together_contracts import PersonAccessRequested

from moderation.domain.items import Item, Kind
from moderation.handlers.context import Context


class AccessAnswerer(Protocol):
    """The kit's `AccessAnswers`."""

    async def answer(self, request: PersonAccessRequested, held: dict[str, Any]) -> None: ...


def story_held(item: Item) -> dict[str, Any]:
    story = item.story
    return {
        "id": item.id,
        "status": item.status.value,
        "title": item.title,
        "text": item.text,
        "published_title": item.published_title,
        "published_text": item.published_text,
        "region": item.region,
        "language": item.language,
        "shared_at": item.created_at,
        "decided_at": item.decided_at,
        "prompt": story.prompt,
        "author_name": story.author_name,
        "author_email": story.author_email,
        "consent_to_publish": story.consent_to_publish,
        "notify_outcome": story.notify_outcome,
    }


async def answer_access(
    request: PersonAccessRequested, *, answers: AccessAnswerer, ctx: Context
) -> None:
    found = await ctx.items.by_author_digest(request.data.email_digest)
    await answers.answer(
        request, {"stories": [story_held(item) for item in found if item.kind is Kind.STORY]}
    )
