"""Stories and thank-yous sent by text message (`text.received`, from notifications) join the
queue as kind `story` or `thanks`, screened exactly as those sent on the web, and told as
`story.submitted` (and `story.held`) or `thanks.submitted` in the same write.

Each is keyed by the text (`domain.texts.item_id`): a redelivery, or the provider sending the
text again, finds the item there and queues nothing more.
"""

from together_contracts import IntegrationEvent, TextReceived
from together_kit.messaging.consuming import AlreadyHandled

from moderation.domain import texts
from moderation.domain.items import Item, Kind, shared_story
from moderation.domain.thanks import posted_thanks
from moderation.handlers import outgoing_events
from moderation.handlers.context import Context
from moderation.handlers.screening import screened_item


async def receive_text(event: TextReceived, ctx: Context) -> Item:
    """Queue the text as a story or a thank-you of no one in particular (no name, no email)."""
    data = event.data
    identifier = texts.item_id(data.text_id)
    if await ctx.items.get(identifier) is not None:
        raise AlreadyHandled(str(event.id))
    story = data.kind == "story"
    item = await screened_item(
        Kind.STORY if story else Kind.THANKS,
        title=(
            texts.title_of(data.body, data.language)
            if story
            else texts.thanked(data.body, data.language)
        ),
        text=data.body,
        region=texts.REGION,
        language=data.language,
        details=(
            shared_story(prompt=texts.PROMPT, consent_to_publish=True)
            if story
            else posted_thanks(worker=texts.WORKER, nation=None)
        ),
        ctx=ctx,
    )
    item.id = identifier
    item.extra = texts.by_text(data.reply_ref)
    if not await ctx.items.add(item, events=told(item, event.correlation_id)):
        raise AlreadyHandled(str(event.id))
    return item


def told(item: Item, correlation_id: str) -> list[IntegrationEvent]:
    if item.kind is Kind.THANKS:
        return [outgoing_events.thanks_submitted(item, correlation_id)]
    submitted: list[IntegrationEvent] = [outgoing_events.story_submitted(item, correlation_id)]
    if item.safeguarding:
        submitted.append(outgoing_events.story_held(item, correlation_id))
    return submitted
