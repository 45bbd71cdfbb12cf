"""Pledges from signups join the same queue as stories (kind `pledge`), screened the same way;
a decision on one is published as `pledge.approved` or `pledge.rejected`
(`outgoing_events.pledge_decision_event`). Progress updates on published pledges join it too
(kind `pledge-update`), decided as `pledge.update_approved` or `pledge.update_rejected`
(`outgoing_events.update_decision_event`)."""

from uuid import UUID

from together_contracts import IntegrationEvent, Language, PledgeMade, PledgeUpdateSubmitted

from moderation.domain.items import Item, Kind
from moderation.domain.pledges import PledgeDetails
from moderation.domain.screening import screen
from moderation.handlers.context import Context
from moderation.handlers.screening import earlier_sketches

NOT_GIVEN = "not given"


async def receive_pledge(event: PledgeMade, ctx: Context) -> bool:
    """Queue a confirmed pledge under its pledge id; False if it was already queued."""
    data = event.data
    details = PledgeDetails(
        organisation_id=str(data.organisation_id),
        categories=tuple(str(category) for category in data.categories),
    )
    return await _queue(
        Kind.PLEDGE,
        data.pledge_id,
        event,
        name=data.organisation_name,
        text=data.text,
        region=data.outward_code or NOT_GIVEN,
        language=data.language,
        details=details,
        ctx=ctx,
    )


async def receive_update(event: PledgeUpdateSubmitted, ctx: Context) -> bool:
    """Queue a progress update under its update id; False if it was already queued."""
    data = event.data
    details = PledgeDetails(
        organisation_id=str(data.organisation_id), pledge_id=str(data.pledge_id)
    )
    return await _queue(
        Kind.PLEDGE_UPDATE,
        data.update_id,
        event,
        name=data.organisation_name,
        text=data.text,
        region=NOT_GIVEN,
        language=data.language,
        details=details,
        ctx=ctx,
    )


async def _queue(
    kind: Kind,
    item_id: UUID,
    event: IntegrationEvent,
    *,
    name: str,
    text: str,
    region: str,
    language: Language,
    details: PledgeDetails,
    ctx: Context,
) -> bool:
    """Title: the organisation's name; text: the pledge or the update; screened like a story."""
    earlier = await earlier_sketches(kind, ctx, besides=item_id)
    item = Item(
        kind=kind,
        id=item_id,
        title=name,
        text=text,
        region=region,
        created_at=ctx.clock(),
        language=language,
        details=details,
        screening=screen(title=name, text=text, earlier=earlier),
        extra={"submitted_event_id": str(event.id)},
    )
    return await ctx.items.add(item, events=[])
