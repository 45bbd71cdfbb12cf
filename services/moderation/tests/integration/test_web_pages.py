"""The public pages of moderation: the story form and the published stories, with hostile input."""

import re
import uuid
from typing import Any

import pytest
from moderation.domain.decisions import Moderator
from moderation.handlers import decisions

from .conftest import Moderation

pytestmark = pytest.mark.integration

ANN = Moderator("ann")

FORM = {
    "prompt": "lockdown",
    "title": "Our street",
    "text": "We left soup on doorsteps.\n\nNobody went hungry.",
    "name": "Sam",
    "region": "cf10 1aa",
    "language": "en",
    "consent_to_publish": "yes",
    "email": "",
}

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)><circle r=5 /></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '"><script>alert(1)</script><"',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "</textarea><script>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    "<body onload=alert(1)>",
]


async def test_the_form_is_shown_with_every_field(moderation: Moderation) -> None:
    page = await moderation.http.get("/share")

    assert page.status_code == 200
    for field in ("prompt", "title", "text", "name", "region", "consent_to_publish", "email"):
        assert f'id="field-{field}"' in page.text
    assert 'name="website"' in page.text


async def test_a_shared_story_is_stored_and_the_author_thanked(moderation: Moderation) -> None:
    sent = await moderation.http.post("/share", data=FORM)

    assert sent.status_code == 303
    assert sent.headers["location"] == "/share/thanks"
    stored = await moderation.db["items"].find_one({})
    assert stored is not None
    assert (stored["region"], stored["author_name"], stored["author_email"]) == (
        "CF10",
        "Sam",
        None,
    )
    assert stored["text"] == FORM["text"]
    thanks = await moderation.http.get("/share/thanks")
    assert "116 123" in thanks.text


async def test_errors_are_summarised_and_shown_by_each_field(moderation: Moderation) -> None:
    wrong = {**FORM, "title": "", "region": "Narnia", "email": "nope", "text": "x" * 5001}
    del wrong["consent_to_publish"]

    page = await moderation.http.post("/share", data=wrong)

    assert page.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', page.text, re.S)
    assert summary is not None
    links = re.findall(r'href="#field-(\w+)"', summary.group())
    assert links == ["title", "text", "region", "consent_to_publish", "email"]
    assert "Your story must be 5,000 characters or fewer" in page.text
    assert 'id="consent_to_publish-error"' in page.text
    assert 'value="Narnia"' in page.text
    assert "<title>Error: Share your story" in page.text
    assert await moderation.db["items"].count_documents({}) == 0


async def test_a_bot_filling_the_honeypot_is_thanked_and_ignored(moderation: Moderation) -> None:
    sent = await moderation.http.post("/share", data={**FORM, "website": "spam.example"})

    assert sent.status_code == 303
    assert await moderation.db["items"].count_documents({}) == 0


async def test_the_form_is_rate_limited(start_moderation: Any) -> None:
    async with start_moderation(share_rate_limit="2/minute") as moderation:
        statuses = [(await moderation.http.post("/share", data=FORM)).status_code for _ in range(3)]
        refused = await moderation.http.post("/share", data=FORM)
    assert statuses == [303, 303, 429]
    assert refused.headers["Retry-After"]


async def publish(moderation: Moderation, **changes: str) -> str:
    sent = await moderation.http.post("/share", data={**FORM, **changes})
    assert sent.status_code == 303, sent.text
    stored = await moderation.db["items"].find_one({"title": changes.get("title", FORM["title"])})
    assert stored is not None
    await decisions.approve(uuid.UUID(stored["_id"]), ANN, ctx=moderation.ctx)
    return str(stored["_id"])


@pytest.mark.parametrize("payload", XSS)
async def test_markup_in_a_story_is_shown_as_text(moderation: Moderation, payload: str) -> None:
    story_id = await publish(moderation, title=f"T {payload}", text=payload, name=payload[:100])

    for path in ("/stories", f"/stories/{story_id}"):
        html = (await moderation.http.get(path)).text
        assert "<script>alert" not in html
        assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=alert", "X")
        assert "<svg" not in html
        assert "<math" not in html
        assert "<iframe" not in html
        assert 'href="javascript:' not in html
    listed = (await moderation.http.get("/stories")).text
    assert "&lt;" in listed
    api = (await moderation.http.get(f"/api/v1/stories/{story_id}")).json()
    assert api["text"] == payload


async def test_a_script_tag_is_escaped_on_the_public_page(moderation: Moderation) -> None:
    await publish(moderation, title="Hello", text="<script>alert('x')</script>")

    html = (await moderation.http.get("/stories")).text

    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html


async def test_only_approved_stories_are_listed(moderation: Moderation) -> None:
    await moderation.http.post("/share", data={**FORM, "title": "Pending one"})
    await publish(moderation, title="Published one", prompt="closer", region="Wales")

    html = (await moderation.http.get("/stories")).text
    assert "Published one" in html
    assert "Pending one" not in html
    assert "Shared by Sam, Wales" in html
    filtered = (await moderation.http.get("/stories", params={"theme": "lockdown"})).text
    assert "Published one" not in filtered
    by_region = (await moderation.http.get("/stories", params={"region": "wales"})).text
    assert "Published one" in by_region
    missing = await moderation.http.get(f"/stories/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert "Story not found" in missing.text


async def test_stories_are_paged(start_moderation: Any) -> None:
    async with start_moderation(stories_per_page=2) as moderation:
        for n in range(3):
            await publish(moderation, title=f"Story {n}", text=f"Different story number {n}.")
            moderation.clock.advance(minutes=1)
        first = (await moderation.http.get("/stories")).text
        second = (await moderation.http.get("/stories", params={"page": 2})).text
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    assert "Story 0" in second
    assert 'rel="prev"' in second
