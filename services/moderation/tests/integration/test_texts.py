"""Stories and thank-yous sent by text (`text.received`) on the real broker and store: queued once
per text, screened like the web's, decided with the usual decisions, their outcome told with the
text's `reply_ref` (never a number), published on /stories and the thank-you wall."""

import html
import uuid
from typing import Any

import pytest
from moderation.domain import texts
from moderation.domain.decisions import Moderator, Reason
from moderation.handlers import decisions
from together_contracts import TextReceived, TextReceivedData
from together_kit.runtime import ServiceRuntime
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually
from together_kit.testing.welsh import VisibleText, in_welsh

from .conftest import Document, Moderation
from .moderator_support import signed_in

pytestmark = pytest.mark.integration

ANN = Moderator("ann")
QUEUE = "moderation.texts"


def text(kind: str, body: str, **changes: Any) -> TextReceived:
    data: dict[str, Any] = {
        "text_id": uuid.uuid4(),
        "kind": kind,
        "body": body,
        "reply_ref": uuid.uuid4(),
        **changes,
    }
    return TextReceived(
        producer="notifications",
        correlation_id=f"text-{unique_tag()}",
        data=TextReceivedData.model_validate(data),
    )


async def queued(moderation: Moderation, sent: TextReceived) -> Document:
    item_id = str(texts.item_id(sent.data.text_id))
    return await eventually(
        lambda: moderation.db["items"].find_one({"_id": item_id}), what=f"item {item_id}"
    )


async def consumed(moderation: Moderation, outcome: str) -> int:
    """Texts this app's `moderation.texts` consumer took with this outcome."""
    runtime: ServiceRuntime = moderation.app.state.runtime
    return int(
        sum(
            sample.value
            for metric in runtime.metrics.consumed.collect()
            for sample in metric.samples
            if sample.name.endswith("_total")
            and sample.labels.get("queue") == QUEUE
            and sample.labels.get("outcome") == outcome
        )
    )


async def told(probe: EventProbe, event_type: str, key: str, item: Document) -> list[Document]:
    async def found() -> list[Document]:
        return [
            e for e in probe.events if e["type"] == event_type and e["data"][key] == item["_id"]
        ]

    return await eventually(found, what=event_type)


async def test_a_story_by_text_is_screened_queued_once_approved_and_published(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    tag = unique_tag()
    body = (
        f"Lockdown {tag} was long. My neighbour rang me on 07700 900982 every "
        "morning and left soup on the step."
    )
    sent = text("story", body)
    async with event_probe(rabbitmq_url, ["story.*"]) as probe:
        await publish_event(rabbitmq_url, sent)
        item = await queued(moderation, sent)
        assert (item["kind"], item["status"], item["prompt"], item["region"]) == (
            "story",
            "pending",
            "lockdown",
            "UK",
        )
        assert item["title"] == f"Lockdown {tag} was long"
        assert item["text"] == body
        assert "personal-data" in item["flags"]
        assert item["extra"] == {"source": "sms", "reply_ref": str(sent.data.reply_ref)}
        assert (item["author_name"], item["author_email"]) == (None, None)

        await publish_event(rabbitmq_url, sent)
        resent = text("story", body, text_id=sent.data.text_id)
        await publish_event(rabbitmq_url, resent)
        await eventually(
            lambda: consumed(moderation, "duplicate"), until=lambda n: n >= 2, what="duplicates"
        )
        assert await moderation.db["items"].count_documents({"text": body}) == 1
        [submitted] = await told(probe, "story.submitted", "story_id", item)
        assert submitted["data"]["flags"] == item["flags"]
        assert "07700" not in str(submitted)

        bea = await signed_in(moderation, "Bea")
        queue = await bea.get("/moderation")
        page = await bea.get(f"/moderation/items/{item['_id']}")
        await bea.aclose()
        row = queue.text.split(f'data-id="{item["_id"]}"', 1)[1].split("</tr>", 1)[0]
        assert '<span class="badge">by text</span>' in row
        assert page.status_code == 200
        assert "Sent by text message" in page.text
        assert str(sent.data.reply_ref) not in page.text

        item_id = uuid.UUID(item["_id"])
        await decisions.claim(item_id, ANN, ctx=moderation.ctx)
        await decisions.approve(
            item_id, ANN, redacted_text=item["screening"]["suggested_text"], ctx=moderation.ctx
        )
        [approved] = await told(probe, "story.approved", "story_id", item)
    assert approved["data"]["reply_ref"] == str(sent.data.reply_ref)
    assert approved["data"]["author_email"] is None
    assert approved["data"]["public_url"] == f"http://moderation.test/stories/{item_id}"

    listed = html.unescape((await moderation.http.get("/stories")).text)
    assert item["title"] in listed
    assert "Shared anonymously, UK" in VisibleText(listed).text
    one = html.unescape((await moderation.http.get(f"/stories/{item_id}")).text)
    assert "[phone number removed]" in one
    assert "07700" not in one
    async with moderation.client() as http:
        welsh = await http.get("/stories", **in_welsh("query"))
    assert "Wedi'i rhannu'n ddienw, y DU" in VisibleText(welsh.text).text


async def test_a_thank_you_by_text_reaches_the_wall_and_its_sender_hears(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    crew = f"the bin crew on Elm Road {unique_tag()}"
    sent = text("thanks", f"to {crew} for never missing a week in lockdown.")
    async with event_probe(rabbitmq_url, ["thanks.*"]) as probe:
        await publish_event(rabbitmq_url, sent)
        item = await queued(moderation, sent)
        assert (item["kind"], item["status"], item["worker"], item["title"]) == (
            "thanks",
            "pending",
            "other",
            crew,
        )
        assert item["extra"]["source"] == "sms"
        [submitted] = await told(probe, "thanks.submitted", "thanks_id", item)
        assert submitted["data"]["region"] == "UK"

        await decisions.approve(uuid.UUID(item["_id"]), ANN, ctx=moderation.ctx)
        [approved] = await told(probe, "thanks.approved", "thanks_id", item)
    assert approved["data"]["reply_ref"] == str(sent.data.reply_ref)
    assert approved["data"]["who"] == crew

    [public] = (await moderation.http.get("/api/v1/thanks")).json()["thanks"]
    assert (public["who"], public["worker"], public["region"]) == (crew, "other", "UK")
    wall = html.unescape((await moderation.http.get("/thanks")).text)
    assert f"Thank you, {crew}</a>" in wall
    assert "From someone in UK" in wall


async def test_a_text_in_distress_is_held_and_a_rejection_is_told_by_reference(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    held = text("story", f"Lockdown {unique_tag()}: some days I can't go on.", language="cy")
    unasked = text("thanks", f"Diolch {unique_tag()} i bawb.", reply_ref=None, language="cy")
    async with event_probe(rabbitmq_url, ["story.*", "thanks.*"]) as probe:
        for sent in (held, unasked):
            await publish_event(rabbitmq_url, sent)
        item = await queued(moderation, held)
        assert (item["status"], item["safeguarding"], item["language"]) == ("held", True, "cy")
        [holding] = await told(probe, "story.held", "story_id", item)
        assert holding["data"]["reply_ref"] == str(held.data.reply_ref)

        thanks = await queued(moderation, unasked)
        assert thanks["title"] == texts.EVERYONE["cy"]
        assert thanks["extra"] == {"source": "sms"}
        await decisions.reject(
            uuid.UUID(thanks["_id"]), ANN, reason=Reason.OFF_TOPIC, ctx=moderation.ctx
        )
        [rejected] = await told(probe, "thanks.rejected", "thanks_id", thanks)
    assert rejected["data"]["reply_ref"] is None
    assert rejected["data"]["author_email"] is None
