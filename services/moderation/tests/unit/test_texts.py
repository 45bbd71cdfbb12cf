"""What moderation makes of a text's words: its title, who a thank-you thanks, what it keeps."""

import uuid
from typing import Any

import pytest
from moderation.domain import texts
from moderation.domain.decisions import Reason
from moderation.domain.items import Kind
from moderation.domain.targets import Targets
from moderation.handlers import Context, decisions
from moderation.handlers.texts import receive_text
from together_contracts import TextReceived, TextReceivedData
from together_kit.messaging.consuming import AlreadyHandled
from together_kit.testing.clock import Clock

from .items import a_story
from .test_handlers import ANN, START, FakeAnswers, FakeItems

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("I miss my mum.", "I miss my mum"),
        ("Lockdown was long. Then the choir started.", "Lockdown was long"),
        (
            "In lockdown my neighbour left soup on my step every Friday",
            "In lockdown my neighbour left soup on my…",
        ),
        ("  two\n\nlines  here ", "two lines here"),
        (
            "Supercalifragilisticexpialidocious" * 3,
            ("Supercalifragilisticexpialidocious" * 3)[:60] + "…",
        ),
        ("...", texts.UNTITLED["en"]),
    ],
)
def test_a_title_is_the_first_words_of_the_first_sentence(body: str, title: str) -> None:
    assert texts.title_of(body, "en") == title
    assert len(texts.title_of(body, "en")) <= texts.TITLE_LENGTH + 1


def test_an_empty_text_in_welsh_has_a_welsh_title() -> None:
    assert texts.title_of(" ", "cy") == texts.UNTITLED["cy"]


@pytest.mark.parametrize(
    ("body", "language", "who"),
    [
        ("to the bin crew for never missing a week", "en", "the bin crew"),
        (
            "To Dr Khan and the team at Ward 7 for everything.",
            "en",
            "Dr Khan and the team at Ward 7",
        ),
        ("i Mrs Jones am y cawl bob dydd Gwener", "cy", "Mrs Jones"),
        ("You were all wonderful", "en", texts.EVERYONE["en"]),
        ("Diolch am bopeth", "cy", texts.EVERYONE["cy"]),
        ("to everyone. For all of it", "en", texts.EVERYONE["en"]),
    ],
)
def test_who_a_thank_you_thanks(body: str, language: str, who: str) -> None:
    assert texts.thanked(body, language) == who


def test_an_item_keeps_that_it_came_by_text_and_the_reference_alone() -> None:
    reference = uuid.uuid4()
    kept = texts.by_text(reference)
    assert kept == {"source": "sms", "reply_ref": str(reference)}
    assert texts.sent_by_text(kept)
    assert texts.reply_ref(kept) == reference
    assert texts.reply_ref(texts.by_text(None)) is None
    assert not texts.sent_by_text({})


def test_a_texts_item_is_its_own_and_the_same_every_time() -> None:
    text_id = uuid.uuid4()
    assert texts.item_id(text_id) == texts.item_id(text_id) != text_id


def received(kind: str, body: str, **changes: Any) -> TextReceived:
    data = {"text_id": uuid.uuid4(), "kind": kind, "body": body, "reply_ref": uuid.uuid4()}
    return TextReceived(
        producer="notifications",
        correlation_id="c-text",
        data=TextReceivedData.model_validate({**data, **changes}),
    )


def context(items: FakeItems) -> Context:
    return Context(
        items=items,
        answers=FakeAnswers(),
        clock=Clock(START),
        targets=Targets(),
        public_base_url="https://share.example/",
    )


async def test_a_text_is_queued_once_and_its_outcome_carries_the_reference() -> None:
    items = FakeItems()
    ctx = context(items)
    sent = received("story", "Lockdown was long. Ring me on 07700 900982.")
    item = await receive_text(sent, ctx)
    with pytest.raises(AlreadyHandled):
        await receive_text(sent, ctx)
    with pytest.raises(AlreadyHandled):
        await receive_text(received("story", "Other words", text_id=sent.data.text_id), ctx)
    assert list(items.items) == [item.id]
    assert (item.kind, item.region, item.title, item.story.prompt) == (
        Kind.STORY,
        "UK",
        "Lockdown was long",
        "lockdown",
    )
    assert item.personal_data
    [submitted] = items.events
    assert submitted.type == "story.submitted"

    await decisions.reject(item.id, ANN, reason=Reason.PERSONAL_DATA, ctx=ctx)
    rejected = items.events[-1]
    assert rejected.type == "story.rejected"
    assert rejected.data.reply_ref == sent.data.reply_ref  # type: ignore[attr-defined]


async def test_a_web_story_has_no_reference_to_tell() -> None:
    items = FakeItems()
    ctx = context(items)
    story = a_story(START)
    await items.add(story, events=[])
    await decisions.approve(story.id, ANN, ctx=ctx)
    assert items.events[-1].data.reply_ref is None  # type: ignore[attr-defined]
