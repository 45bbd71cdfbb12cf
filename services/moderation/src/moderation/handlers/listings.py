"""Event listings from matching join the same queue as stories (kind `listing`).

Matching sends a listing again (a new `event.submitted` for the same event id) when its
organiser changed the title or description; `Item.resubmitted` says what that changes.
"""

from together_contracts import EventSubmitted, IntegrationEvent

from moderation.domain.items import Item, Kind, ListingDetails
from moderation.handlers.context import Context
from moderation.handlers.screening import earlier_sketches, screened

ONLINE = "online"


async def receive_listing(event: EventSubmitted, ctx: Context) -> bool:
    """Queue a submitted listing under its event id; False if it was already queued."""
    data = event.data
    earlier = await earlier_sketches(Kind.LISTING, ctx, besides=data.event_id)
    screening = await screened(title=data.title, text=data.description, earlier=earlier)
    item = Item(
        kind=Kind.LISTING,
        id=data.event_id,
        title=data.title,
        text=data.description,
        region=data.outward_code or ONLINE,
        created_at=ctx.clock(),
        details=ListingDetails(
            event_type=str(data.event_type),
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            places=data.places,
            online=data.online,
            outward_code=data.outward_code,
            roles=tuple(data.roles),
        ),
        screening=screening,
        extra={"submitted_event_id": str(event.id)},
    )
    if await ctx.items.add(item, events=[]):
        return True
    return await _resubmitted(item, ctx)


async def _resubmitted(fresh: Item, ctx: Context) -> bool:
    """Review the new text of a listing already known; True if it is queued again."""
    reopened = False

    def reopen(item: Item) -> list[IntegrationEvent]:
        nonlocal reopened
        reopened = item.resubmitted(fresh)
        return []

    await ctx.items.change(fresh.id, reopen)
    return reopened
