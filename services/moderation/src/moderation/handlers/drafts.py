"""Draft transcripts of recordings, made after the call by a leased periodic job: pocketsphinx
takes about a third of a recording's length on a free core (a minute for a three-minute call),
far longer than Twilio waits for its webhook to answer.

Each run drafts the oldest recording waiting for one. The recording is claimed first, in its own
document under its version (`extra.drafting_until`, `DRAFT_LEASE` ahead), so two replicas never
draft the same one; a claim a crash left behind runs out. The draft is written only to a
recording still open and still waiting (one decided meanwhile keeps what the moderator typed), and
screened like any text, so its findings show on the item page (a possible safeguarding
disclosure holds the recording for a lead, as it holds a story)."""

from dataclasses import replace
from datetime import datetime, timedelta

import structlog
from together_contracts import IntegrationEvent

from moderation.domain.items import Item, ItemNotFoundError, Kind, RecordingDetails, Status
from moderation.domain.queue import QueueFilter
from moderation.handlers.context import Context
from moderation.handlers.recordings import Transcriber
from moderation.handlers.screening import earlier_sketches, screened

log = structlog.get_logger("moderation.drafts")
DRAFT_LEASE = timedelta(minutes=15)
DRAFTING_UNTIL = "drafting_until"
LOOKED_AT = 200


def waiting_for_draft(item: Item, now: datetime) -> bool:
    details = item.details
    pending = isinstance(details, RecordingDetails) and details.draft_pending and item.open
    until = item.extra.get(DRAFTING_UNTIL)
    return pending and (until is None or datetime.fromisoformat(until) <= now)


async def draft_next(ctx: Context, *, transcriber: Transcriber) -> int:
    """Draft the oldest recording waiting for a draft; how many were drafted (0 or 1)."""
    now = ctx.clock()
    recordings = await ctx.items.queue(QueueFilter(kind=Kind.RECORDING), now=now, limit=LOOKED_AT)
    waiting = sorted(
        (i for i in recordings if waiting_for_draft(i, now)), key=lambda i: i.created_at
    )
    for item in waiting:
        if await _claimed(item, now=now, ctx=ctx):
            return await _draft(item, ctx=ctx, transcriber=transcriber)
    return 0


async def _claimed(item: Item, *, now: datetime, ctx: Context) -> bool:
    won: list[bool] = []

    def claim(current: Item) -> list[IntegrationEvent]:
        won[:] = [waiting_for_draft(current, now)]
        if won[0]:
            current.extra = {**current.extra, DRAFTING_UNTIL: (now + DRAFT_LEASE).isoformat()}
        return []

    try:
        await ctx.items.change(item.id, claim)
    except ItemNotFoundError:
        return False
    return won[0]


async def _draft(item: Item, *, ctx: Context, transcriber: Transcriber) -> int:
    audio = await ctx.recordings.audio(item.id) if ctx.recordings is not None else None
    draft = await transcriber.draft(audio) if audio is not None else ""
    earlier = await earlier_sketches(Kind.RECORDING, ctx, besides=item.id)
    screening = await screened(title=item.title, text=draft, earlier=earlier)
    drafted: list[bool] = []

    def put(current: Item) -> list[IntegrationEvent]:
        details = current.details
        drafted[:] = [isinstance(details, RecordingDetails) and details.draft_pending]
        if isinstance(details, RecordingDetails) and details.draft_pending:
            extra = {k: v for k, v in current.extra.items() if k != DRAFTING_UNTIL}
            if current.open:
                current.text, current.screening = draft, screening
            if current.status is Status.PENDING and screening.safeguarding:
                current.status = Status.HELD
            recogniser = transcriber.name if draft else ""
            current.details = replace(details, draft_pending=False, recogniser=recogniser)
            current.extra = extra
        return []

    try:
        await ctx.items.change(item.id, put)
    except ItemNotFoundError:
        return 0
    log.info("recording drafted", item_id=str(item.id), words=len(draft.split()))
    return int(bool(drafted and drafted[0]))
