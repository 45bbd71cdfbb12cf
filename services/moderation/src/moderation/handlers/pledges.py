"""Pledges from signups join the same queue as stories (kind `pledge`), screened the same way;
a decision on one is published as `pledge.approved` or `pledge.rejected`
(`outgoing_events.pledge_decision_event`)."""

from together_contracts import PledgeMade

from moderation.domain.items import Item, Kind
from moderation.domain.pledges import PledgeDetails
from moderation.domain.screening import screen
from moderation.handlers.context import Context
from moderation.handlers.screening import earlier_sketches

NOT_GIVEN = "not given"


async def receive_pledge(event: PledgeMade, ctx: Context) -> bool:
    """Queue a confirmed pledge under its pledge id; False if it was already queued."""
    data = event.data
    earlier = await earlier_sketches(Kind.PLEDGE, ctx, besides=data.pledge_id)
    item = Item(
        kind=Kind.PLEDGE,
        id=data.pledge_id,
        title=data.organisation_name,
        text=data.text,
        region=data.outward_code or NOT_GIVEN,
        created_at=ctx.clock(),
        language=data.language,
        details=PledgeDetails(
            organisation_id=str(data.organisation_id),
            categories=tuple(str(category) for category in data.categories),
        ),
        screening=screen(title=data.organisation_name, text=data.text, earlier=earlier),
        extra={"submitted_event_id": str(event.id)},
    )
    return await ctx.items.add(item, events=[])
