from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from together_kit.testing.web import NAVIGATION
from together_kit.web import labels
from together_kit.web.pages import Site
from together_kit.web.rendering import WebPages

pytestmark = pytest.mark.unit

PAGE = """{% extends "base.html" %}
{% import "fields.html" as fields %}
{% block title %}{{ fields.title("Join", errors) }} | {{ super() }}{% endblock %}
{% block content %}
<p id="root">{{ root }}</p><p id="day">{{ day(today) }}</p>
{{ fields.checkbox("news", "Send me news", checked=true, hint="Now and then") }}
{{ fields.honeypot() }}
{% endblock %}
"""

JOIN = """{{ values.name }}|{% for field, message in errors.items() %}{{ field }}={{ message }};{% endfor %}
{%- for value, label in languages %}|{{ value }}:{{ label }}{% endfor %}"""


class Limit:
    """A rate limit that lets requests through until told to refuse them with `status`."""

    def __init__(self) -> None:
        self.status: int | None = None

    async def __call__(self, request: Request) -> None:
        if self.status is not None:
            headers = {"Retry-After": "17"} if self.status == 429 else None
            raise HTTPException(self.status, headers=headers)


@pytest.fixture
def limit() -> Limit:
    return Limit()


@pytest.fixture
def site(tmp_path: Path, limit: Limit) -> Site:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "join.html").write_text(JOIN, encoding="utf-8")
    pages = WebPages(templates=tmp_path, navigation=NAVIGATION)
    return Site(pages, limit=limit, common={"day": lambda moment: moment.strftime("%d/%m/%Y")})


@pytest.fixture
def client(site: Site) -> httpx.AsyncClient:
    app = FastAPI()

    @app.get("/page")
    async def page(request: Request, invalid: bool = False) -> HTMLResponse:
        errors = {"news": "Tick it"} if invalid else {}
        return site.render(request, "page.html", {"errors": errors, "today": date(2027, 3, 6)})

    @app.post("/send")
    async def send(request: Request) -> Response:
        if refused := await site.over_limit(request):
            return refused
        form = await site.form(request, max_fields=3)
        return site.see_other(request, f"/sent?fields={len(form)}")

    join_page = site.form_page("join.html", languages=labels.LANGUAGES)

    @app.get("/join")
    async def join(request: Request, invalid: bool = False) -> HTMLResponse:
        errors = {"name": "Check this answer"} if invalid else None
        return join_page(request, {"name": "Dai"}, errors)

    @app.get("/words")
    async def words(request: Request) -> dict[str, str]:
        translate = site.translator(request)
        return {"one": translate("Error:"), **site.translated(request, {"x": "Welsh"})}

    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app, root_path="/signups"), base_url="http://test"
    )


async def test_every_page_knows_its_root_and_the_common_values(client: httpx.AsyncClient) -> None:
    html = (await client.get("/page")).text
    assert '<p id="root">/signups</p>' in html
    assert '<p id="day">06/03/2027</p>' in html


async def test_the_kit_field_macros_render_in_the_page_language(client: httpx.AsyncClient) -> None:
    html = (await client.get("/page?invalid=1&lang=cy")).text
    assert "<title>Gwall: Join | gyda'n gilydd</title>" in html
    assert '<label for="field-website">Gadewch y maes hwn yn wag</label>' in html
    assert 'name="website"' in html
    assert 'tabindex="-1"' in html
    assert 'id="field-news" name="news" type="checkbox" value="yes" checked' in html
    assert 'aria-describedby="news-hint"' in html
    assert "<title>Join | together</title>" in (await client.get("/page?lang=en")).text


async def test_translations_follow_the_request(client: httpx.AsyncClient) -> None:
    welsh = (await client.get("/words", headers={"Accept-Language": "cy"})).json()
    english = (await client.get("/words")).json()
    assert welsh == {"one": "Gwall:", "x": "Cymraeg"}
    assert english == {"one": "Error:", "x": "Welsh"}


async def test_a_form_within_the_limit_is_read_then_redirected(client: httpx.AsyncClient) -> None:
    response = await client.post("/send", data={"a": "1", "b": "2"})
    assert response.status_code == 303
    assert response.headers["location"] == "/signups/sent?fields=2"


async def test_a_form_of_too_many_fields_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/send", data={name: "x" for name in "abcd"})
    assert response.status_code == 400


async def test_a_flood_gets_a_page_asking_to_wait(client: httpx.AsyncClient, limit: Limit) -> None:
    limit.status = 429
    response = await client.post("/send?lang=cy", data={"a": "1"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "17"
    assert "Gormod o ymdrechion" in response.text
    assert "Arhoswch 17 eiliad" in response.text


async def test_other_refusals_of_the_limit_are_not_hidden(
    client: httpx.AsyncClient, limit: Limit
) -> None:
    limit.status = 403
    response = await client.post("/send", data={"a": "1"})
    assert response.status_code == 403


async def test_a_form_page_shows_values_translated_errors_and_choices(
    client: httpx.AsyncClient,
) -> None:
    fresh = await client.get("/join?lang=cy")
    assert fresh.status_code == 200
    assert fresh.text == "Dai||en:Saesneg|cy:Cymraeg"
    refused = await client.get("/join?invalid=1&lang=en")
    assert refused.status_code == 422
    assert refused.text == "Dai|name=Check this answer;|en:English|cy:Welsh"
    welsh = await client.get("/join?invalid=1&lang=cy")
    assert "name=Gwiriwch yr ateb hwn;" in welsh.text
