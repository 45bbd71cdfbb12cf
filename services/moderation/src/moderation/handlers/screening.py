"""Screening off the event loop: in a thread of its own, so the loop answers other requests and
messages while a long text is screened (plain CPU work, linear in the text: ADR 0009).

Two threads at most, apart from the loop's default executor (which resolves names for the
driver and the broker), so a burst of stories queues here instead of taking every thread.
"""

import asyncio
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from uuid import UUID

from moderation.domain.items import Details, Item, Kind
from moderation.domain.ports import Sketches
from moderation.domain.screening import Screening, screen
from moderation.handlers.context import Context

WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="screening")


async def screened(
    *, title: str, text: str, earlier: Iterable[tuple[str, Sequence[int]]]
) -> Screening:
    """`screen(...)` run in a screening thread; `earlier` is read there, so pass a list."""
    job = partial(screen, title=title, text=text, earlier=list(earlier))
    return await asyncio.get_running_loop().run_in_executor(WORKERS, job)


async def earlier_sketches(kind: Kind, ctx: Context, *, besides: UUID | None = None) -> Sketches:
    """The recent items of `kind` a new one is compared with for duplicates; `besides` leaves
    out the item itself (a listing or pledge sent again under its own id)."""
    earlier = await ctx.items.recent_sketches(kind, limit=ctx.duplicate_window)
    if besides is None:
        return earlier
    return [(item_id, sketch) for item_id, sketch in earlier if item_id != str(besides)]


async def screened_item(
    kind: Kind,
    *,
    title: str,
    text: str,
    region: str,
    language: str,
    details: Details,
    ctx: Context,
) -> Item:
    """A new item of `kind` (a story or a thank-you) with what screening found in it."""
    earlier = await earlier_sketches(kind, ctx)
    return Item(
        kind=kind,
        title=title,
        text=text,
        region=region,
        created_at=ctx.clock(),
        language=language,
        details=details,
        screening=await screened(title=title, text=text, earlier=earlier),
    )
