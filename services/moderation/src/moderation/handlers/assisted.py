"""A story entered by staff on someone's behalf: screened and queued exactly as a web story
(`story.submitted`, and `story.held` for a possible safeguarding disclosure, in the same write),
marked in `extra` with how it came and who entered it (domain.assisted).

The item's id comes from the form's nonce: a form sent twice finds its story there and queues
nothing more.
"""

from dataclasses import dataclass

from moderation.domain import assisted, texts
from moderation.domain.items import Kind, Prompt, shared_story
from moderation.domain.moderators import Account
from moderation.handlers.context import Context
from moderation.handlers.screening import screened_item
from moderation.handlers.stories import Submitted
from moderation.handlers.texts import told


@dataclass(frozen=True)
class EnterStory:
    prompt: Prompt
    title: str
    text: str
    region: str
    language: str
    came: assisted.Came
    nonce: str
    correlation_id: str


async def enter_story(command: EnterStory, *, by: Account, ctx: Context) -> Submitted:
    """Queue the story under the id its nonce gives; a second send of the form is a no-op."""
    identifier = assisted.item_id(by.id, command.nonce)
    existing = await ctx.items.get(identifier)
    if existing is not None:
        return Submitted(existing.id, held=existing.safeguarding)
    item = await screened_item(
        Kind.STORY,
        title=command.title or texts.title_of(command.text, command.language),
        text=command.text,
        region=command.region,
        language=command.language,
        details=shared_story(prompt=command.prompt, consent_to_publish=True),
        ctx=ctx,
    )
    item.id = identifier
    item.extra = assisted.entered(by, command.came)
    await ctx.items.add(item, events=told(item, command.correlation_id))
    return Submitted(item.id, held=item.safeguarding)
