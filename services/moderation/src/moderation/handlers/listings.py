"""Event listings from matching join the same queue as stories (kind `listing`)."""

from together_contracts import EventSubmitted

from moderation.domain.items import Item, Kind, ListingDetails
from moderation.handlers.context import Context
from moderation.handlers.screening import screened

ONLINE = "online"


async def receive_listing(event: EventSubmitted, ctx: Context) -> bool:
    """Queue a submitted listing under its event id; False if it was already queued."""
    data = event.data
    earlier = await ctx.items.recent_sketches(Kind.LISTING, limit=ctx.duplicate_window)
    earlier = [(item_id, sketch) for item_id, sketch in earlier if item_id != str(data.event_id)]
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
        ),
        screening=screening,
        extra={"submitted_event_id": str(event.id)},
    )
    return await ctx.items.add(item, events=[])
