"""Pledges from signups join the same queue as stories (kind `pledge`), screened the same way;
a decision on one is told as `pledge.approved` or `pledge.rejected`."""

from uuid import UUID

from together_contracts import Event, PledgeApproved, PledgeMade, PledgeOutcomeData, PledgeRejected

from moderation.domain.decisions import Reason
from moderation.domain.items import Item, Kind, Status
from moderation.domain.pledges import PledgeDetails
from moderation.domain.screening import screen
from moderation.handlers.context import PRODUCER, Context

NOT_GIVEN = "not given"


async def receive_pledge(event: PledgeMade, ctx: Context) -> bool:
    """Queue a confirmed pledge under its pledge id; False if it was already queued."""
    data = event.data
    earlier = await ctx.items.recent_sketches(Kind.PLEDGE, limit=ctx.duplicate_window)
    earlier = [(item_id, sketch) for item_id, sketch in earlier if item_id != str(data.pledge_id)]
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


def pledge_decided(item: Item, *, reason: Reason | None, correlation_id: str) -> Event:
    """What signups needs to show (or stop showing) the pledge and notifications to tell its
    contact (whom it knows from `organisation.joined`); the text goes out only when approved."""
    if not isinstance(item.details, PledgeDetails):
        raise TypeError(f"item {item.id} is a {item.kind}, not a pledge")
    pledge = item.details
    approved = item.status is Status.APPROVED
    data = PledgeOutcomeData(
        pledge_id=item.id,
        organisation_id=UUID(pledge.organisation_id),
        organisation_name=(item.published_title or item.title)[:200],
        text=(item.published_text or item.text) if approved else "",
        reason=reason.value if reason else None,
    )
    told = PledgeApproved if approved else PledgeRejected
    submitted = item.extra.get("submitted_event_id")
    return told(
        producer=PRODUCER,
        correlation_id=correlation_id,
        causation_id=UUID(submitted) if submitted else None,
        data=data,
    )
