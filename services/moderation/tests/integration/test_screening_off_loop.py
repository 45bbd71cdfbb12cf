"""Screening runs off the event loop: while a story is being screened, the service answers.

The story's screening is held at its start (the real screening, behind a gate the test opens)
while the test asks the same app for `/healthz`. Were screening run on the loop, the loop would
be stuck in the gate and the answer would come only after screening had finished.
"""

import asyncio
import threading
from typing import Any

import pytest
from moderation.domain import personal_data
from moderation.entrypoints.schemas import STORY_EXAMPLE
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import Moderation

pytestmark = pytest.mark.integration

STORIES = "/api/v1/stories"
GATE_SECONDS = 5.0


async def test_the_service_answers_while_a_story_is_screened(
    moderation: Moderation, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, opened, finished = threading.Event(), threading.Event(), threading.Event()
    find = personal_data.find

    def gated_find(text: str, *args: Any) -> list[personal_data.Span]:
        started.set()
        opened.wait(timeout=GATE_SECONDS)
        found = find(text, *args)
        finished.set()
        return found

    monkeypatch.setattr(personal_data, "find", gated_find)
    body = {**STORY_EXAMPLE, "title": f"Story {unique_tag()}", "text": "a-" * 2500}
    sharing = asyncio.create_task(moderation.http.post(STORIES, json=body))

    async def screening_started() -> bool:
        return started.is_set()

    await eventually(screening_started, what="screening started")
    health = await moderation.http.get("/healthz")
    answered_while_screening = not finished.is_set()
    opened.set()
    shared = await sharing

    assert health.status_code == 200
    assert answered_while_screening
    assert shared.status_code == 201, shared.text
    stored = await moderation.db["items"].find_one({"_id": shared.json()["id"]})
    assert stored is not None
    assert stored["flags"] == []
