"""The public pages of moderation in Welsh: no English left from the catalogues, nothing untranslated."""

import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from moderation.bootstrap import WEB
from moderation.domain.decisions import Moderator
from moderation.domain.hosted import MESSAGES
from moderation.entrypoints.web import forms, labels
from moderation.handlers import decisions, hosted, talk
from together_kit.testing.welsh import VisibleText, catalogue_gaps, english_left, in_welsh
from together_kit.web import labels as kit_labels
from together_kit.web.forms import CHECK, texts_of
from together_kit.web.rendering import WebPages

from .conftest import Moderation, StartModeration

pytestmark = pytest.mark.integration


STORY = {
    "prompt": "unites-us",
    "title": "Côr y stryd",
    "text": "Bob nos Iau roedden ni'n canu ar garreg y drws.",
    "name": "Siân",
    "region": "Wales",
    "language": "cy",
    "consent_to_publish": "yes",
}

THANKS = {
    "who": "Tîm y nos ar Ward 7",
    "worker": "nhs-care",
    "what_for": "Am ofalu am Dad pan nad oedden ni'n gallu bod yno.",
    "region": "CF14",
    "language": "cy",
}


async def rendered_pages(moderation: Moderation, choice: str) -> dict[str, str]:
    pages: dict[str, str] = {}
    welsh = in_welsh(choice)

    async def visit(name: str, method: str, path: str, expected: int, data: Any = None) -> None:
        async with moderation.client() as http:
            response = await http.request(method, path, data=data, **welsh)
        assert response.status_code == expected, (name, response.status_code)
        assert response.headers["content-language"] == "cy", name
        pages[name] = response.text

    await visit("share", "GET", "/share", 200)
    await visit("share errors", "POST", "/share", 422, {"email": "x", "text": "y" * 5001})
    await visit("share thanks", "GET", "/share/thanks", 200)
    await visit("no stories", "GET", "/stories", 200)
    await visit("story missing", "GET", f"/stories/{uuid.uuid4()}", 404)
    async with moderation.client() as http:
        assert (await http.post("/share", data=STORY)).status_code == 303
    stored = await moderation.db["items"].find_one({})
    assert stored is not None
    await decisions.approve(uuid.UUID(stored["_id"]), Moderator("ann"), ctx=moderation.ctx)
    await visit("stories", "GET", "/stories", 200)
    await visit("story", "GET", f"/stories/{stored['_id']}", 200)
    links = moderation.ctx.links
    assert links is not None
    withdraw = urlsplit(links.withdraw_story(uuid.UUID(stored["_id"]))).path
    await visit("withdraw", "GET", withdraw, 200)
    await visit("withdraw link broken", "GET", "/stories/withdraw/not-a-token", 404)
    await visit("withdrawn", "POST", withdraw, 200)
    await visit("already withdrawn", "GET", withdraw, 200)
    conversation = await talk.open_conversation(
        talk.OpenConversation(
            question="Beth fyddai'n dod â'ch cymuned yn nes?",
            description="",
            seeds=["Dylai cymdogion barhau i alw heibio."],
            opened_by="lead",
        ),
        moderation.ctx,
    )
    host = await hosted.invite_host(
        conversation.id, name="Canolfan Gymunedol Grangetown", invited_by="lead", ctx=moderation.ctx
    )
    hosting = urlsplit(links.host(conversation.id, host.id)).path
    await visit("hosted form", "GET", hosting, 200)
    await visit("hosted errors", "POST", hosting, 422, {"people": "0", "held_on": "2999-01-01"})
    await visit("conversation", "GET", f"/talk/{conversation.id}", 200)
    await visit("thanks form", "GET", "/thanks/new", 200)
    await visit("thanks errors", "POST", "/thanks/new", 422, {"email": "x", "what_for": "y" * 1001})
    async with moderation.client() as http:
        assert (await http.post("/thanks/new", data=THANKS)).status_code == 303
    await visit("thanks sent", "GET", "/thanks/new/sent", 200)
    posted = await moderation.db["items"].find_one({"kind": "thanks"})
    assert posted is not None
    await decisions.approve(uuid.UUID(posted["_id"]), Moderator("ann"), ctx=moderation.ctx)
    await visit("thanks wall", "GET", "/thanks?nation=Wales&worker=nhs-care", 200)
    await visit("one thanks", "GET", f"/thanks/{posted['_id']}", 200)
    await visit("thanks missing", "GET", f"/thanks/{uuid.uuid4()}", 404)
    await visit("the day", "GET", "/thanks/5-july", 200)
    return pages


@pytest.mark.parametrize("choice", ["accept-language", "query"])
async def test_every_public_page_is_in_welsh(moderation: Moderation, choice: str) -> None:
    pages: WebPages = moderation.app.state.pages
    entries = pages.catalogues.catalogue_entries("cy")

    rendered = await rendered_pages(moderation, choice)

    for name, html in rendered.items():
        assert '<html lang="cy">' in html, name
        assert english_left_in_page(html, entries) == [], name
    assert "Mae problem wedi codi" in rendered["share errors"]
    assert "Rhaid i&#39;ch stori fod yn 5,000 nod neu lai" in rendered["share errors"]
    assert "Wedi'i rhannu gan Siân, Cymru" in VisibleText(rendered["stories"]).text
    assert "Rhaid i&#39;ch diolch fod yn 1,000 nod neu lai" in rendered["thanks errors"]
    assert "Staff y GIG a gofal" in VisibleText(rendered["thanks wall"]).text


async def test_the_wait_page_is_in_welsh(start_moderation: StartModeration) -> None:
    async with (
        start_moderation(share_rate_limit="1/minute") as moderation,
        moderation.client() as http,
    ):
        await http.post("/share", data={}, headers={"Accept-Language": "cy"})
        page = await http.post("/share", data={}, headers={"Accept-Language": "cy"})
    assert page.status_code == 429
    entries = moderation.app.state.pages.catalogues.catalogue_entries("cy")
    assert english_left_in_page(page.text, entries) == []
    assert "Gormod o ymdrechion" in page.text


async def test_english_is_the_default_and_the_check_sees_it(moderation: Moderation) -> None:
    async with moderation.client() as http:
        response = await http.get("/share")

    assert '<html lang="en">' in response.text
    left = english_left_in_page(
        response.text, moderation.app.state.pages.catalogues.catalogue_entries("cy")
    )
    assert {"Share your story", "What unites us?", "Send your story"} <= set(left)


def test_the_welsh_catalogue_is_complete_and_repeats_nothing_of_the_kits() -> None:
    in_code = {
        text for mapping in (*labels.ALL, kit_labels.LANGUAGES) for text in mapping.values()
    } | {
        text
        for said in (*forms.STORY.values(), *forms.THANKS.values(), CHECK)
        for text in texts_of(said)
    }
    in_code |= set(MESSAGES.values())

    assert catalogue_gaps(WEB, in_code=in_code) == {
        "untranslated": [],
        "repeats_kit": [],
        "missing": [],
    }


def english_left_in_page(html: str, entries: dict[str, str]) -> list[str]:
    """As the kit's check, also leaving out the page title (the browser tab, not the page)."""
    return english_left(html, entries, skip=("script", "style", "title"))
