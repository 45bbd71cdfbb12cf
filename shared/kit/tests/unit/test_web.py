import asyncio
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from together_kit.testing.web import NAVIGATION
from together_kit.web.rendering import KIT_STATIC, KIT_TEMPLATES, WebPages, mount_static

pytestmark = pytest.mark.unit

PAGE = """{% extends "base.html" %}
{% import "macros.html" as form %}
{% block title %}{{ _("Join") }} | {{ super() }}{% endblock %}
{% block content %}
{{ form.error_summary(errors) }}
<h1>{{ _("Join") }}</h1>
{{ form.text_field("x", "Your name", value=name, error=errors.get("x"), hint="As you like",
                   autocomplete="name", maxlength=80) }}
{{ form.text_field("y", "Email", type="email") }}
{{ form.textarea_field("story", "Your story", value="<b>", error=errors.get("story")) }}
{{ form.checkboxes("interests", "Interests", [("a", "Art"), ("b", "Books")], selected=["b"],
                   error=errors.get("interests")) }}
{{ form.radios("size", "Size", [(1, "One"), (2, "Two")], selected="2") }}
{{ form.select_field("region", "Region", [("wales", "Wales")], placeholder="Choose") }}
{% endblock %}
"""

WELSH = """msgid ""
msgstr ""
"Language: cy\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Join"
msgstr "Ymuno"

msgid "Enter your name"
msgstr "Rhowch eich enw"
"""


@pytest.fixture
def pages(tmp_path: Path) -> WebPages:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(PAGE, encoding="utf-8")
    po = tmp_path / "locales" / "cy" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(WELSH, encoding="utf-8")
    return WebPages(templates=templates, locales=tmp_path / "locales", navigation=NAVIGATION)


@pytest.fixture
def client(pages: WebPages) -> httpx.AsyncClient:
    app = FastAPI()
    mount_static(app)

    @app.get("/join")
    async def join(request: Request, invalid: bool = False) -> HTMLResponse:
        errors = {}
        if invalid:
            errors = {
                "x": pages.gettext(request, "Enter your name"),
                "story": "Too <long>",
                "interests": "Pick one",
            }
        context = {"errors": errors, "name": "Dai"}
        return pages.render(request, "page.html", context, status_code=400 if errors else 200)

    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")


def tag(html: str, element_id: str) -> str:
    found = re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', html)
    assert found, element_id
    return found.group(0)


async def test_welsh_is_chosen_from_accept_language(client: httpx.AsyncClient) -> None:
    response = await client.get("/join", headers={"Accept-Language": "cy-GB,en;q=0.5"})
    assert response.status_code == 200
    assert response.headers["content-language"] == "cy"
    assert "set-cookie" not in response.headers
    html = response.text
    assert '<html lang="cy">' in html
    assert '<a class="skip-link" href="#main">Neidio i\'r prif gynnwys</a>' in html
    assert "<title>Ymuno | gyda'n gilydd</title>" in html
    assert '<a href="/join?lang=en" hreflang="en" lang="en">English</a>' in html
    assert '<a href="https://www.geonames.org/">GeoNames</a>' in html
    assert "Data codau post ©" in html


async def test_english_is_the_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/join")
    html = response.text
    assert response.headers["content-language"] == "en"
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert '<a href="/join?lang=cy" hreflang="cy" lang="cy">Cymraeg</a>' in html
    assert 'id="error-summary"' not in html


async def test_choosing_a_language_sets_a_cookie_that_sticks(client: httpx.AsyncClient) -> None:
    response = await client.get("/join?lang=cy&ref=home", headers={"Accept-Language": "en"})
    assert '<html lang="cy">' in response.text
    assert 'href="/join?ref=home&amp;lang=en"' in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("lang=cy;")
    assert "Path=/" in cookie
    assert "SameSite=lax" in cookie

    again = await client.get("/join", headers={"Accept-Language": "en"})
    assert '<html lang="cy">' in again.text

    switched = await client.get("/join?lang=en")
    assert '<html lang="en">' in switched.text
    assert switched.headers["set-cookie"].startswith("lang=en;")


async def test_an_unsupported_choice_is_ignored(client: httpx.AsyncClient) -> None:
    response = await client.get("/join?lang=fr", headers={"Accept-Language": "cy"})
    assert '<html lang="cy">' in response.text
    assert "set-cookie" not in response.headers


async def test_errors_are_summarised_and_tied_to_their_fields(client: httpx.AsyncClient) -> None:
    response = await client.get("/join?invalid=true&lang=cy")
    assert response.status_code == 400
    html = response.text
    summary = tag(html, "error-summary")
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    assert 'aria-labelledby="error-summary-title"' in summary
    assert '<h2 id="error-summary-title">Mae problem wedi codi</h2>' in html
    assert '<li><a href="#field-x">Rhowch eich enw</a></li>' in html
    assert '<li><a href="#field-story">Too &lt;long&gt;</a></li>' in html
    assert '<li><a href="#field-interests">Pick one</a></li>' in html

    name = tag(html, "field-x")
    assert 'aria-invalid="true"' in name
    assert 'aria-describedby="x-hint x-error"' in name
    assert 'value="Dai"' in name
    assert 'autocomplete="name"' in name
    assert 'maxlength="80"' in name
    assert (
        '<p class="field-error" id="x-error">'
        '<span class="visually-hidden">Gwall:</span> Rhowch eich enw</p>'
    ) in html
    assert '<label class="field-label" for="field-x">Your name</label>' in html

    story = tag(html, "field-story")
    assert 'aria-describedby="story-error"' in story
    assert "&lt;b&gt;</textarea>" in html

    fieldset = tag(html, "field-interests").replace("fieldset", "")
    assert 'aria-invalid="true"' in fieldset
    assert '<fieldset class="choices" aria-describedby="interests-error">' in html
    assert "checked" in tag(html, "field-interests-2")
    assert "checked" not in tag(html, "field-interests")


async def test_fields_without_errors_make_no_claims(client: httpx.AsyncClient) -> None:
    html = (await client.get("/join")).text
    email = tag(html, "field-y")
    assert 'type="email"' in email
    assert "aria-invalid" not in email
    assert "aria-describedby" not in email
    assert 'value=""' in email
    assert "checked" in tag(html, "field-size-2")
    assert '<option value="" selected>Choose</option>' in html


async def test_concurrent_requests_each_keep_their_language(client: httpx.AsyncClient) -> None:
    languages = ["cy", "en"] * 20
    responses = await asyncio.gather(
        *(client.get("/join?invalid=1", headers={"Accept-Language": lang}) for lang in languages)
    )
    for lang, response in zip(languages, responses, strict=True):
        assert f'<html lang="{lang}">' in response.text
        expected = "Mae problem wedi codi" if lang == "cy" else "There is a problem"
        assert expected in response.text


async def test_the_kit_assets_are_served_and_shipped(client: httpx.AsyncClient) -> None:
    css = await client.get("/static/site.css")
    assert css.status_code == 200
    assert ".visually-hidden" in css.text
    assert (await client.get("/static/site.js")).status_code == 200
    assert (KIT_TEMPLATES / "base.html").is_file()
    assert (KIT_STATIC / "site.css").is_file()
