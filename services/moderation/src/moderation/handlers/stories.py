"""Sharing a story: screened, stored pending (or held for a lead), told as `story.submitted`."""

from dataclasses import dataclass
from uuid import UUID

from together_contracts import IntegrationEvent

from moderation.domain.items import Item, ItemNotFoundError, Kind, Prompt, shared_story
from moderation.handlers import outgoing_events
from moderation.handlers.context import Context
from moderation.handlers.screening import screened_item


@dataclass(frozen=True)
class SubmitStory:
    prompt: Prompt
    title: str
    text: str
    region: str
    consent_to_publish: bool
    correlation_id: str
    language: str = "en"
    author_name: str | None = None
    author_email: str | None = None
    notify_outcome: bool = False


@dataclass(frozen=True)
class Submitted:
    story_id: UUID
    held: bool


async def submit_story(command: SubmitStory, ctx: Context) -> Submitted:
    """Store the story with what screening found; a possible safeguarding disclosure is held for
    a lead and told as `story.held` too, so an author who left an email hears from us kindly."""
    details = shared_story(
        prompt=command.prompt,
        consent_to_publish=command.consent_to_publish,
        author_name=command.author_name,
        author_email=command.author_email,
        notify_outcome=command.notify_outcome,
    )
    item = await screened_item(
        Kind.STORY,
        title=command.title,
        text=command.text,
        region=command.region,
        language=command.language,
        details=details,
        ctx=ctx,
    )
    told: list[IntegrationEvent] = [outgoing_events.story_submitted(item, command.correlation_id)]
    if item.safeguarding:
        told.append(outgoing_events.story_held(item, command.correlation_id))
    await ctx.items.add(item, events=told)
    return Submitted(item.id, held=item.safeguarding)


async def withdraw_own_story(story_id: UUID, *, correlation_id: str, ctx: Context) -> bool:
    """The author's signed link (already checked) takes their published story down; tells
    `story.withdrawn` once. False if the story is not published (gone already, or never)."""
    taken_down = False

    def take_down(item: Item) -> list[IntegrationEvent]:
        nonlocal taken_down
        taken_down = item.withdraw_by_author(ctx.clock()) is not None
        if not taken_down:
            return []
        return [outgoing_events.withdrawal_event(item, by="author", correlation_id=correlation_id)]

    try:
        await ctx.items.change(story_id, take_down)
    except ItemNotFoundError:
        return False
    return taken_down
