"""An erasure's write takes what it removes out of the document's unpublished events too, on the
real store (`AggregateCollection.update(..., redacting=True)`)."""

import uuid
from typing import Any

import pytest
from together_contracts import StoryApproved, StoryOutcomeData, StoryWithdrawn
from together_kit.messaging.outbox import AggregateCollection
from together_kit.runtime import ServiceRuntime

pytestmark = pytest.mark.integration


def approved(story_id: uuid.UUID, title: str) -> StoryApproved:
    return StoryApproved(
        producer="tests",
        correlation_id="corr",
        data=StoryOutcomeData(
            story_id=story_id, title=title, author_email="ann@example.org", author_name="Ann"
        ),
    )


def withdrawn(story_id: uuid.UUID) -> StoryWithdrawn:
    return StoryWithdrawn.model_validate(
        {
            "producer": "tests",
            "correlation_id": "corr",
            "data": {"story_id": story_id, "by": "erasure"},
        }
    )


def forget(document: dict[str, Any]) -> tuple[dict[str, Any], list[StoryWithdrawn]]:
    story_id = uuid.UUID(document["_id"])
    return {"title": "", "author": {"name": None, "email": None}}, [withdrawn(story_id)]


async def story(stories: AggregateCollection, title: str) -> uuid.UUID:
    story_id = uuid.uuid4()
    document = {
        "_id": str(story_id),
        "title": title,
        "author": {"name": "Ann", "email": "ann@example.org"},
    }
    await stories.insert(document, [approved(story_id, title)])
    return story_id


async def test_an_erasure_drops_the_pending_events_it_leaves_untellable_and_adds_its_own(
    runtime: ServiceRuntime,
) -> None:
    stories = runtime.aggregate("stories")
    story_id = await story(stories, "The street choir")

    written = await stories.update(str(story_id), forget, redacting=True)

    stored = await stories.collection.find_one({"_id": str(story_id)})
    assert stored == written
    assert [event["type"] for event in stored["outbox"]] == ["story.withdrawn"]
    assert stored["outbox_pending"] == 1
    assert "ann@example.org" not in str(stored)
    assert "Ann" not in str(stored)


async def test_an_erasure_keeps_what_it_can_tell_without_the_erased_values(
    runtime: ServiceRuntime,
) -> None:
    stories = runtime.aggregate("stories")
    story_id = await story(stories, "The street choir")

    def forget_author(document: dict[str, Any]) -> tuple[dict[str, Any], list[StoryWithdrawn]]:
        return {"author": {"name": None, "email": None}}, []

    await stories.update(str(story_id), forget_author, redacting=True)

    stored = await stories.collection.find_one({"_id": str(story_id)})
    assert stored is not None
    [kept] = stored["outbox"]
    assert kept["type"] == "story.approved"
    assert kept["data"]["title"] == "The street choir"
    assert kept["data"]["author_name"] is None
    assert kept["data"]["author_email"] is None
    assert StoryApproved.model_validate(kept).data.story_id == story_id


async def test_an_ordinary_update_leaves_the_pending_events_as_they_were(
    runtime: ServiceRuntime,
) -> None:
    stories = runtime.aggregate("stories")
    story_id = await story(stories, "The street choir")

    await stories.update(str(story_id), forget)

    stored = await stories.collection.find_one({"_id": str(story_id)})
    assert stored is not None
    assert [event["type"] for event in stored["outbox"]] == ["story.approved", "story.withdrawn"]
    assert stored["outbox"][0]["data"]["author_name"] == "Ann"
