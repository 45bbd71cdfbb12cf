"""Issue 23: a story and a thank-you texted to the coalition's number reach the moderation queue,
and once a moderator approves them, /stories and the wall; the sender is texted what happens
next and the outcome, and no service but notifications ever holds the number.

Moderation and notifications run as real processes (as `make run` starts them) with the local
SMS sink in GOV.UK Notify's shape; the sender texts through the sink (`reply`), the moderator
works the queue with a signed-in session.
"""

import asyncio
import html
import sys

import pytest
from pymongo import AsyncMongoClient
from together_kit.dev.smssink import SmsSink
from together_kit.testing.tags import unique_tag

from .conftest import System
from .test_journeys import (
    DAYTIME_NOTIFICATIONS,
    claimed,
    csrf_of,
    item_in_queue,
    moderator,
    text_to,
)

pytestmark = pytest.mark.e2e

SENDER = "07700 900461"


async def start(system: System, sink: SmsSink) -> None:
    system.start("moderation")
    system.start(
        "notifications",
        command=[sys.executable, str(DAYTIME_NOTIFICATIONS)],
        NOTIFICATIONS_DISPATCH_POLL_SECONDS="0.2",
        **sink.notifications_env(),
    )
    for name in ("moderation", "notifications"):
        await asyncio.to_thread(system.processes[name].wait_ready, 60.0)


async def test_a_story_and_a_thank_you_by_text_are_moderated_published_and_answered(
    system: System, sms_sink: SmsSink
) -> None:
    await start(system, sms_sink)
    tag = unique_tag()
    sent = await sms_sink.reply(
        SENDER, f"STORY Lockdown in {tag} was long. The choir kept us going."
    )
    assert sent.status == 200, sent.answer
    await text_to(sms_sink, SENDER, "thank you for your story")
    crew = f"the bin crew of {tag}"
    await sms_sink.reply(SENDER, f"THANKS to {crew} for never missing a week")
    await text_to(sms_sink, SENDER, "thank you for your thank-you")

    async with moderator(system) as lead:
        story_id = await item_in_queue(lead, f"Lockdown in {tag} was long")
        page = await claimed(lead, story_id)
        assert "Sent by text message" in page.text
        approved = await lead.post(
            f"/moderation/items/{story_id}/approve", data={"csrf": csrf_of(page.text)}
        )
        assert approved.status_code in (200, 303), approved.text
        thanks_id = await item_in_queue(lead, crew)
        page = await claimed(lead, thanks_id)
        approved = await lead.post(
            f"/moderation/items/{thanks_id}/approve", data={"csrf": csrf_of(page.text)}
        )
        assert approved.status_code in (200, 303), approved.text

        stories = html.unescape((await lead.get("/stories")).text)
        assert f"Lockdown in {tag} was long" in stories
        wall = html.unescape((await lead.get("/thanks")).text)
        assert f"Thank you, {crew}" in wall

    published = (await text_to(sms_sink, SENDER, "your story is published")).body
    assert f"/stories/{story_id}" in published
    await text_to(sms_sink, SENDER, "wall")

    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(system.mongodb_url)
    try:
        kept = await client[system.database("moderation")]["items"].find_one({"_id": story_id})
    finally:
        await client.close()
    assert kept is not None
    assert "900461" not in repr(kept), "moderation never holds the sender's number"
