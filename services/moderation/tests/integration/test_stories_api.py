"""Stories through the JSON API on the real broker and store: submission, screening, decisions,
events, the public list, and the limits."""

import uuid
from typing import Any

import pytest
from moderation.domain.decisions import Moderator, Reason, Role
from moderation.entrypoints.schemas import STORY_EXAMPLE
from moderation.handlers import backlog, decisions
from together_kit.testing.probe import event_probe
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import Moderation

pytestmark = pytest.mark.integration

STORIES = "/api/v1/stories"
ANN = Moderator("ann")
LEAD = Moderator("lena", Role.LEAD)


def story(**changes: Any) -> dict[str, Any]:
    return {**STORY_EXAMPLE, "title": f"Story {unique_tag()}", **changes}


def of_story(events: list[dict[str, Any]], story_id: str, kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind and e["data"].get("story_id") == story_id]


async def test_a_story_is_screened_queued_decided_and_published(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    text = "We sang every Thursday. Ring me on 07700 900982 or see www.choir.example.org"
    async with event_probe(rabbitmq_url, ["story.*"]) as probe:
        created = await moderation.http.post(STORIES, json=story(text=text))
        assert created.status_code == 201, created.text
        story_id = created.json()["id"]
        assert created.json()["status"] == "pending"

        stored = await moderation.db["items"].find_one({"_id": story_id})
        assert stored is not None
        assert (stored["status"], stored["kind"]) == ("pending", "story")
        assert stored["flags"] == ["personal-data", "link"]
        assert stored["screening"]["suggested_text"] == (
            "We sang every Thursday. Ring me on [phone number removed] or see [link removed]"
        )
        [submitted] = await eventually(
            lambda: _events(probe, story_id, "story.submitted"), what="story.submitted"
        )
        assert submitted["data"]["flags"] == ["personal-data", "link"]
        assert "07700" not in str(submitted)

        queue = await moderation.http.get(STORIES)
        assert queue.json()["total"] == 0

        await decisions.claim(uuid.UUID(story_id), ANN, ctx=moderation.ctx)
        await decisions.approve(
            uuid.UUID(story_id),
            ANN,
            redacted_text=stored["screening"]["suggested_text"],
            ctx=moderation.ctx,
        )
        [approved] = await eventually(
            lambda: _events(probe, story_id, "story.approved"), what="story.approved"
        )
    assert approved["data"]["author_email"] == "ann@example.org"
    assert approved["data"]["public_url"] == f"http://moderation.test/stories/{story_id}"

    listed = (await moderation.http.get(STORIES, params={"theme": "unites-us"})).json()
    assert listed["total"] == 1
    [public] = listed["stories"]
    assert public["text"].endswith("[phone number removed] or see [link removed]")
    assert set(public) == {
        "id",
        "prompt",
        "title",
        "text",
        "name",
        "region",
        "language",
        "published_at",
    }
    assert "email" not in str(listed)
    assert (await moderation.http.get(STORIES, params={"theme": "closer"})).json()["total"] == 0
    assert (await moderation.http.get(STORIES, params={"region": "cf24"})).json()["total"] == 1
    assert (await moderation.http.get(STORIES, params={"region": "Wales"})).json()["total"] == 0
    one = await moderation.http.get(f"{STORIES}/{story_id}")
    assert one.json()["name"] == "Ann from Splott"
    audit = (await moderation.ctx.items.get(uuid.UUID(story_id))).decisions  # type: ignore[union-attr]
    assert audit[0].before == text
    assert audit[0].after == public["text"]


async def _events(probe: Any, story_id: str, kind: str) -> list[dict[str, Any]]:
    return of_story(probe.events, story_id, kind)


async def test_a_rejection_is_told_with_its_reason(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    async with event_probe(rabbitmq_url, ["story.rejected"]) as probe:
        created = await moderation.http.post(STORIES, json=story(notify_outcome=False))
        story_id = created.json()["id"]
        await decisions.reject(
            uuid.UUID(story_id), ANN, reason=Reason.OFF_TOPIC, note="n", ctx=moderation.ctx
        )
        [rejected] = await eventually(
            lambda: _events(probe, story_id, "story.rejected"), what="story.rejected"
        )
    assert rejected["data"]["reason"] == "off-topic"
    assert rejected["data"]["author_email"] is None
    assert (await moderation.http.get(f"{STORIES}/{story_id}")).status_code == 404


async def test_a_safeguarding_story_is_held_for_a_lead(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    text = "Since March I can't go on. Some nights I want to end my life."
    async with event_probe(rabbitmq_url, ["story.*"]) as probe:
        created = await moderation.http.post(STORIES, json=story(text=text, notify_outcome=False))
        story_id = created.json()["id"]
        [held] = await eventually(lambda: _events(probe, story_id, "story.held"), what="story.held")
        [submitted] = of_story(probe.events, story_id, "story.submitted")
    assert held["data"]["author_email"] == "ann@example.org"
    assert submitted["data"]["safeguarding"] is True
    stored = await moderation.db["items"].find_one({"_id": story_id})
    assert stored is not None
    assert (stored["status"], stored["priority"]) == ("held", 0)
    assert created.json()["status"] == "pending"


async def test_a_breach_of_the_time_target_is_alerted_once(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    async with event_probe(rabbitmq_url, ["moderation.backlog_alert"]) as probe:
        created = await moderation.http.post(STORIES, json=story(text="I want to die"))
        story_id = created.json()["id"]
        moderation.clock.advance(hours=4, minutes=1)
        assert await backlog.alert_breaches(ctx=moderation.ctx) == 1
        assert await backlog.alert_breaches(ctx=moderation.ctx) == 0
        [alert] = await probe.wait_for(1)
    assert alert["data"]["item_id"] == story_id
    assert alert["data"]["lead_emails"] == ["lead@example.org"]
    stored = await moderation.db["items"].find_one({"_id": story_id})
    assert stored is not None
    assert stored["breach_told_at"] is not None


async def test_an_idempotency_key_replays_the_first_answer(moderation: Moderation) -> None:
    body = story()
    headers = {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}

    first = await moderation.http.post(STORIES, json=body, headers=headers)
    again = await moderation.http.post(STORIES, json=body, headers=headers)

    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await moderation.db["items"].count_documents({}) == 1


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"consent_to_publish": False}, ["body", "consent_to_publish"]),
        ({"text": "x" * 5001}, ["body", "text"]),
        ({"text": " \u0000 "}, ["body", "text"]),
        ({"title": ""}, ["body", "title"]),
        ({"prompt": "other"}, ["body", "prompt"]),
        ({"region": "Narnia"}, ["body", "region"]),
        ({"email": "not-an-email"}, ["body", "email"]),
        ({"name": "n" * 101}, ["body", "name"]),
        ({"admin": True}, ["body", "admin"]),
    ],
)
async def test_invalid_stories_are_refused_naming_the_field(
    moderation: Moderation, changes: dict[str, Any], path: list[str]
) -> None:
    response = await moderation.http.post(STORIES, json=story(**changes))

    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["detail"]] == [path]


async def test_consent_is_required(moderation: Moderation) -> None:
    body = story()
    del body["consent_to_publish"]

    response = await moderation.http.post(STORIES, json=body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "consent_to_publish"]


async def test_an_oversized_body_is_refused(moderation: Moderation) -> None:
    response = await moderation.http.post(
        STORIES,
        content=b'{"text": "' + b"x" * 70_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert await moderation.db["items"].count_documents({}) == 0


async def test_the_openapi_example_is_a_valid_story(moderation: Moderation) -> None:
    schema = (await moderation.http.get("/openapi.json")).json()
    example = schema["components"]["schemas"]["StoryCreate"]["examples"][0]

    assert (await moderation.http.post(STORIES, json=example)).status_code == 201
