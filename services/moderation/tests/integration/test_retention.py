"""Rejected stories are kept for `rejected_story_retention_days` after their rejection, no longer;
approved and open stories are not touched by it."""

import uuid
from typing import Any

import pytest
from moderation.domain.decisions import Moderator, Reason
from moderation.entrypoints.schemas import STORY_EXAMPLE
from moderation.handlers import decisions
from moderation.settings import Settings
from together_kit.testing.retention import ids, ttl_seconds
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import Moderation, StartModeration

pytestmark = pytest.mark.integration
ANN = Moderator("ann")


async def share(moderation: Moderation) -> uuid.UUID:
    story: dict[str, Any] = {
        **STORY_EXAMPLE,
        "title": f"Story {unique_tag()}",
        "text": "We sang on the doorsteps every Thursday evening, the whole street together.",
        "notify_outcome": False,
    }
    created = await moderation.http.post("/api/v1/stories", json=story)
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["id"])


async def test_a_rejected_story_is_deleted_after_its_retention(
    start_moderation: StartModeration,
) -> None:
    async with start_moderation(retention_sweep_seconds=0.2) as moderation:
        items = moderation.db["items"]
        rejected, approved, waiting = [await share(moderation) for _ in range(3)]
        await decisions.reject(rejected, ANN, reason=Reason.OFF_TOPIC, ctx=moderation.ctx)
        await decisions.claim(approved, ANN, ctx=moderation.ctx)
        await decisions.approve(approved, ANN, ctx=moderation.ctx)

        moderation.clock.advance(days=91)
        left = await eventually(
            lambda: ids(items),
            until=lambda found: str(rejected) not in found,
            what="the rejected story swept",
        )
        assert {str(approved), str(waiting)} <= set(left)
        assert await ttl_seconds(items, "rejected_at") == 90 * 86_400, "MongoDB's own TTL index"
    assert Settings().rejected_story_retention_days == 90.0


async def test_stories_rejected_before_are_dated_at_start(
    start_moderation: StartModeration,
) -> None:
    async with start_moderation(retention_sweep_seconds=0.2) as moderation:
        rejected = await share(moderation)
        await decisions.reject(rejected, ANN, reason=Reason.OFF_TOPIC, ctx=moderation.ctx)
        await moderation.db["items"].update_one(
            {"_id": str(rejected)}, {"$unset": {"rejected_at": ""}}
        )
    async with start_moderation(retention_sweep_seconds=0.2) as moderation:
        moderation.clock.advance(days=91)
        await eventually(
            lambda: ids(moderation.db["items"]),
            until=lambda found: str(rejected) not in found,
            what="the undated rejected story swept",
        )
