"""Error answers by who asked: a browser gets a page in the site's layout with a way home, an API
client the JSON it always had (together_kit.web.errors)."""

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from pymongo.errors import ConnectionFailure
from together_kit.http.middleware import install_http_middleware
from together_kit.metrics import Metrics
from together_kit.web.errors import PAGES, ErrorPages, prefers_html
from together_kit.web.i18n import KIT_LOCALES, Catalogues
from together_kit.web.navigation import Navigation
from together_kit.web.rendering import mount_static
from together_kit.web.site import Addresses

pytestmark = pytest.mark.unit

HOME = "http://front.test/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SECRET = "the-secret-inside-the-exception"
NAVIGATION = Navigation(
    Addresses(
        signups=HOME.rstrip("/"),
        moderation="http://moderation.test",
        matching="http://matching.test",
        notifications="http://notifications.test",
    ),
    service="signups",
)


def make_app() -> FastAPI:
    app = FastAPI()
    install_http_middleware(
        app,
        metrics=Metrics(),
        max_body_bytes=1000,
        max_in_flight=10,
        errors=ErrorPages(navigation=NAVIGATION),
    )
    mount_static(app)

    @app.get("/pages/{number}")
    async def page(number: int) -> dict[str, int]:
        return {"number": number}

    @app.post("/send")
    async def send() -> dict[str, bool]:
        return {"sent": True}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError(SECRET)

    @app.get("/store")
    async def store() -> None:
        raise ConnectionFailure("no store")

    @app.get("/api/v1/things/{thing}")
    async def thing(thing: int) -> None:
        raise HTTPException(404, "No such thing.")

    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def assert_page(response: httpx.Response, status: int, *, lang: str = "en") -> str:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "accept" in response.headers["vary"].lower()
    html = response.text
    assert re.search(rf'<html lang="{lang}">', html)
    assert re.search(r"<title>[^<]+</title>", html)
    assert f'<a href="{HOME}" id="home-link">' in html
    return html


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("application/json, text/html;q=0.9", False),
        ("text/html, application/json", False),
        ("*/*", False),
        ("", False),
        ("application/json", False),
        ("text/*;q=0.5, application/json;q=0.4", True),
        ("text/html;q=0, */*", False),
        ("text/html;q=nonsense", False),
    ],
)
def test_html_only_when_preferred_to_json(accept: str, html: bool) -> None:
    assert prefers_html(accept) is html


async def test_an_unknown_page_is_a_page_with_a_way_home(http: httpx.AsyncClient) -> None:
    html = assert_page(await http.get("/nowhere", headers={"Accept": BROWSER}), 404)
    assert "<h1>Page not found</h1>" in html
    assert "/static/site.css" in html


async def test_in_welsh_for_a_welsh_reader(http: httpx.AsyncClient) -> None:
    response = await http.get("/nowhere", headers={"Accept": BROWSER, "Accept-Language": "cy"})
    html = assert_page(response, 404, lang="cy")
    assert "Heb ddod o hyd i'r dudalen" in html
    assert "Ewch i'r hafan" in html


async def test_an_api_client_gets_the_json_it_always_had(http: httpx.AsyncClient) -> None:
    for accept in ("application/json", "*/*", None):
        headers = {"Accept": accept} if accept else {}
        response = await http.get("/nowhere", headers=headers)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not Found"}


async def test_api_paths_stay_json_for_a_browser(http: httpx.AsyncClient) -> None:
    missing = await http.get("/api/v1/things/1", headers={"Accept": BROWSER})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No such thing."}
    invalid = await http.get("/api/v1/things/x", headers={"Accept": BROWSER})
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["path", "thing"]
    unknown = await http.get("/api/v1/nothing", headers={"Accept": BROWSER})
    assert unknown.json() == {"detail": "Not Found"}


async def test_a_wrong_method_is_a_page_that_keeps_allow(http: httpx.AsyncClient) -> None:
    response = await http.get("/send", headers={"Accept": BROWSER})
    html = assert_page(response, 405)
    assert response.headers["allow"] == "POST"
    assert "cannot be opened like that" in html
    assert (await http.get("/send")).json() == {"detail": "Method Not Allowed"}


async def test_a_bad_link_parameter_is_a_page(http: httpx.AsyncClient) -> None:
    html = assert_page(await http.get("/pages/seven", headers={"Accept": BROWSER}), 422)
    assert "This link is not right" in html
    main = html.split('<main id="main"')[1].split("</main>")[0]
    assert "seven" not in main
    assert (await http.get("/pages/seven")).json()["detail"][0]["input"] == "seven"


async def test_a_bug_is_a_page_that_names_nothing_of_it(http: httpx.AsyncClient) -> None:
    html = assert_page(await http.get("/boom", headers={"Accept": BROWSER}), 500)
    assert SECRET not in html
    assert "RuntimeError" not in html
    assert "Traceback" not in html
    plain = await http.get("/boom")
    assert (plain.status_code, plain.text) == (500, "Internal Server Error")


async def test_a_store_away_is_a_page_that_asks_to_come_back(http: httpx.AsyncClient) -> None:
    response = await http.get("/store", headers={"Accept": BROWSER})
    assert_page(response, 503)
    assert response.headers["retry-after"] == "5"
    assert (await http.get("/store")).status_code == 503


def test_every_error_page_speaks_welsh() -> None:
    welsh = Catalogues(KIT_LOCALES).catalogue_entries("cy")
    for page in PAGES.values():
        assert page.heading in welsh
        assert page.explanation in welsh
