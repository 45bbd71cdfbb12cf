"""The queue the moderator UI reads, and claims under concurrency, against the real store."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from moderation.domain.decisions import ClaimHeldError, Moderator, Reason, Role
from moderation.domain.items import Kind, Status
from moderation.domain.queue import QueueFilter
from moderation.domain.screening import Flag
from moderation.entrypoints.schemas import STORY_EXAMPLE
from moderation.handlers import decisions
from together_kit.testing.tags import unique_tag

from .conftest import Moderation

pytestmark = pytest.mark.integration

ANN = Moderator("ann")
BOB = Moderator("bob")
LEAD = Moderator("lena", Role.LEAD)


async def share(moderation: Moderation, text: str, **changes: Any) -> uuid.UUID:
    body = {**STORY_EXAMPLE, "title": f"T {unique_tag()}", "text": text, **changes}
    response = await moderation.http.post("/api/v1/stories", json=body)
    assert response.status_code == 201, response.text
    moderation.clock.advance(minutes=1)
    return uuid.UUID(response.json()["id"])


async def test_the_queue_puts_leads_items_first_then_oldest_and_filters(
    moderation: Moderation,
) -> None:
    oldest = await share(moderation, "We baked bread for the street.")
    linked = await share(moderation, "See www.example.org for photos.", region="Wales")
    held = await share(moderation, "I want to end my life.")
    decided = await share(moderation, "We clapped on Thursdays.")
    await decisions.approve(decided, ANN, ctx=moderation.ctx)
    items = moderation.ctx.items
    now = moderation.clock()

    assert [i.id for i in await items.queue(QueueFilter(), now=now)] == [held, oldest, linked]
    assert [i.id for i in await items.queue(QueueFilter(for_leads=True), now=now)] == [held]
    assert [i.id for i in await items.queue(QueueFilter(flag=Flag.LINK), now=now)] == [linked]
    assert [i.id for i in await items.queue(QueueFilter(region="wales"), now=now)] == [linked]
    assert await items.queue(QueueFilter(kind=Kind.LISTING), now=now) == []
    older = QueueFilter(older_than=timedelta(minutes=3, seconds=30))
    assert [i.id for i in await items.queue(older, now=now)] == [oldest]
    assert [i.id for i in await items.queue(QueueFilter(), now=now, limit=1, offset=1)] == [oldest]

    counts = await items.counts(QueueFilter(), now=now)
    assert counts.total == 3
    assert counts.by_status == {"pending": 2, "held": 1, "escalated": 0}
    assert counts.by_kind == {
        "story": 3,
        "listing": 0,
        "pledge": 0,
        "pledge-update": 0,
        "statement": 0,
        "thanks": 0,
        "recording": 0,
    }
    assert counts.by_flag["link"] == 1
    assert counts.by_flag["safeguarding"] == 1
    linked_only = await items.counts(QueueFilter(flag=Flag.LINK), now=now)
    assert (linked_only.total, linked_only.by_flag["safeguarding"]) == (1, 0)


async def test_a_near_duplicate_of_a_recent_story_is_flagged(moderation: Moderation) -> None:
    text = (
        "Every Thursday we sang from our doorsteps. At first it was three of us and a "
        "saucepan; by June we knew every neighbour's name, and by Christmas there were "
        "thirty of us singing carols in the rain at the end of the terrace."
    )
    first = await share(moderation, text)
    second = await share(moderation, text.replace("June", "July"))

    item = await moderation.ctx.items.get(second)
    assert item is not None
    assert item.screening.duplicate_of == str(first)
    assert Flag.NEAR_DUPLICATE in item.screening.flags


async def test_two_moderators_racing_for_an_item_one_wins(moderation: Moderation) -> None:
    story = await share(moderation, "We planted a community garden.")

    results = await asyncio.gather(
        decisions.claim(story, ANN, ctx=moderation.ctx),
        decisions.claim(story, BOB, ctx=moderation.ctx),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["Claim", "ClaimHeldError"]
    winner = next(r for r in results if not isinstance(r, BaseException))
    loser = BOB if winner.moderator == "ann" else ANN
    with pytest.raises(ClaimHeldError):
        await decisions.approve(story, loser, ctx=moderation.ctx)
    item = await decisions.reject(
        story, Moderator(winner.moderator), reason=Reason.SPAM, ctx=moderation.ctx
    )
    assert item.status is Status.REJECTED
    stored = await moderation.db["items"].find_one({"_id": str(story)})
    assert stored is not None
    assert [d["moderator"] for d in stored["decisions"]] == [winner.moderator]


async def test_the_audit_is_read_across_items(moderation: Moderation) -> None:
    start = moderation.clock()
    story = await share(moderation, "A story to escalate.")
    await decisions.escalate(story, ANN, reason=Reason.UNSURE, note="?", ctx=moderation.ctx)
    moderation.clock.advance(hours=1)
    await decisions.approve(story, LEAD, ctx=moderation.ctx)

    found = [
        item
        async for item in moderation.ctx.items.decided_between(  # type: ignore[attr-defined]
            start, moderation.clock() + timedelta(seconds=1)
        )
    ]

    assert [i.id for i in found] == [story]
    assert [(d.moderator, d.action.value) for d in found[0].decisions] == [
        ("ann", "escalate"),
        ("lena", "approve"),
    ]
