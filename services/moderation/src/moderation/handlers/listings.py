"""Event listings from matching join the same queue as stories (kind `listing`).

Matching sends a listing again (a new `event.submitted` for the same event id) when its
organiser changed the title or description; `Item.resubmitted` says what that changes. A
listing's new times (`event.changed`) and its cancellation (`event.cancelled`) are kept too, so
the 5 July page lists the day's events as they stand.
"""

from collections.abc import Callable
from dataclasses import replace
from uuid import UUID

from together_contracts import EventCancelled, EventChanged, EventSubmitted, IntegrationEvent

from moderation.domain.items import Item, ItemNotFoundError, Kind, ListingDetails
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


async def note_change(event: EventChanged, ctx: Context) -> None:
    """Keep a listing's times as its organiser changed them (other changes are not shown here)."""
    summary = event.data.event

    def retime(item: Item) -> list[IntegrationEvent]:
        if isinstance(item.details, ListingDetails):
            item.details = replace(
                item.details, starts_at=summary.starts_at, ends_at=summary.ends_at
            )
        return []

    await _change_known(summary.event_id, retime, ctx)


async def note_cancellation(event: EventCancelled, ctx: Context) -> None:
    """Mark a listing cancelled, so the day's page leaves it out (its decisions stand)."""

    def cancel(item: Item) -> list[IntegrationEvent]:
        item.extra = {**item.extra, "cancelled": True}
        return []

    await _change_known(event.data.event.event_id, cancel, ctx)


async def _change_known(
    event_id: UUID, change: Callable[[Item], list[IntegrationEvent]], ctx: Context
) -> None:
    try:
        await ctx.items.change(event_id, change)
    except ItemNotFoundError:
        return  # a listing this moderation never saw (or one long deleted): nothing to keep
