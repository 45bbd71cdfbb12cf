"""Time targets: each open item that passes its target is told to the leads once."""

import uuid
from datetime import datetime
from uuid import UUID

from together_contracts import IntegrationEvent

from moderation.domain.items import Item, ItemNotFoundError
from moderation.handlers import outgoing_events
from moderation.handlers.context import Context


async def alert_breaches(*, ctx: Context, now: datetime | None = None) -> int:
    """Tell `moderation.backlog_alert` for every newly breached item; return how many."""
    now = now or ctx.clock()
    told = 0
    async for candidate in ctx.items.open_created_before(now - ctx.targets.shortest):
        if ctx.targets.to_tell(candidate, now) and await _tell_once(candidate.id, now, ctx):
            told += 1
    return told


async def _tell_once(item_id: UUID, now: datetime, ctx: Context) -> bool:
    """Record the breach on the item with its event in one write, so a second pass (or a second
    replica) finds it told and says nothing."""
    correlation_id = f"backlog-{uuid.uuid4().hex}"
    alerted: list[bool] = []

    def tell(item: Item) -> list[IntegrationEvent]:
        alerted.clear()
        if not ctx.targets.to_tell(item, now):
            return []
        item.tell_breach(now)
        alerted.append(True)
        return [outgoing_events.backlog_alert(item, correlation_id=correlation_id, ctx=ctx)]

    try:
        await ctx.items.change(item_id, tell)
    except ItemNotFoundError:
        return False
    return bool(alerted)
