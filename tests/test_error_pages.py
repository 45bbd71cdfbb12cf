"""Every service answers a browser's error with a page in the site's layout and a way home, and an
API client with the JSON it always had (together_kit.web.errors, installed by the kit's runtime).

Each service runs in-process with its lifespan against the real broker and store, one at a time.
"""

import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from together_kit.testing.apps import running

pytestmark = pytest.mark.integration

HOME = "http://front.test/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SECRET = "the-secret-inside-the-exception"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def signups_app(settings: dict[str, Any]) -> FastAPI:
    from signups.bootstrap import create_app
    from signups.settings import Settings

    return create_app(Settings(**settings))


def moderation_app(settings: dict[str, Any]) -> FastAPI:
    from moderation.bootstrap import create_app
    from moderation.settings import Settings

    return create_app(Settings(**settings))


def matching_app(settings: dict[str, Any]) -> FastAPI:
    from matching.bootstrap import create_app
    from matching.settings import Settings

    return create_app(Settings(**settings))


def notifications_app(settings: dict[str, Any]) -> FastAPI:
    from notifications.adapters.handover_journal import IN_MEMORY
    from notifications.bootstrap import create_app
    from notifications.settings import Settings

    options = {"handover_journal_path": IN_MEMORY, "smtp_port": free_port(), **settings}
    return create_app(Settings(**options))


@dataclass(frozen=True)
class Service:
    name: str
    build: Callable[[dict[str, Any]], FastAPI]
    wrong_method: tuple[str, str]
    """A method a page route does not take, and the route (GET on a POST-only one if any)."""
    bad_request: tuple[str, str, dict[str, Any]]
    """A page route with a bad link or form parameter: method, path, request options."""


BROKEN_FORM: dict[str, Any] = {
    "content": b"--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x--\r\n",
    "headers": {"Content-Type": "multipart/form-data; boundary=x"},
}
SERVICES = [
    Service("signups", signups_app, ("PUT", "/join"), ("POST", "/join", BROKEN_FORM)),
    Service(
        "moderation",
        moderation_app,
        ("GET", "/moderation/logout"),
        ("GET", "/stories/not-a-story", {}),
    ),
    Service(
        "matching",
        matching_app,
        ("PUT", "/events/new"),
        ("GET", "/gaps", {"params": {"reach_km": "far"}}),
    ),
    Service(
        "notifications",
        notifications_app,
        ("GET", "/preferences/x"),
        ("POST", "/preferences/x", {"data": {"invitations": "never-ever"}}),
    ),
]


@asynccontextmanager
async def served(
    service: Service, service_settings: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    app = service.build({**service_settings, "signups_public_url": HOME})

    @app.get("/error-pages-test/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError(SECRET)

    url, database = service_settings["mongodb_url"], service_settings["mongodb_database"]
    async with running(app, mongodb_url=url, database_name=database):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


def assert_page(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert re.search(r'<html lang="(en|cy)">', html)
    assert re.search(r"<title>[^<]+</title>", html)
    assert f'href="{HOME}"' in html
    return html


@pytest.mark.parametrize("service", SERVICES, ids=[service.name for service in SERVICES])
async def test_error_pages_for_browsers_and_json_for_api_clients(
    service: Service, service_settings: dict[str, Any]
) -> None:
    async with served(service, service_settings) as http:
        page = await http.get("/no-such-page", headers={"Accept": BROWSER})
        assert "Page not found" in assert_page(page, 404)

        welsh = await http.get(
            "/no-such-page", headers={"Accept": BROWSER, "Accept-Language": "cy"}
        )
        assert "Heb ddod o hyd i'r dudalen" in assert_page(welsh, 404)

        for accept in ("application/json", "*/*"):
            json = await http.get("/no-such-page", headers={"Accept": accept})
            assert (json.status_code, json.json()) == (404, {"detail": "Not Found"})

        api = await http.get("/api/v1/no-such-thing", headers={"Accept": BROWSER})
        assert (api.status_code, api.json()) == (404, {"detail": "Not Found"})

        method, path = service.wrong_method
        wrong_method = await http.request(method, path, headers={"Accept": BROWSER})
        assert "cannot be opened like that" in assert_page(wrong_method, 405)
        assert wrong_method.headers["allow"]

        method, path, options = service.bad_request
        options = {**options, "headers": {**options.get("headers", {}), "Accept": BROWSER}}
        bad = await http.request(method, path, **options)
        assert "This link is not right" in assert_page(bad, 422)
        options["headers"]["Accept"] = "application/json"
        assert (await http.request(method, path, **options)).json()["detail"]

        broken = await http.get("/error-pages-test/boom", headers={"Accept": BROWSER})
        html = assert_page(broken, 500)
        assert SECRET not in html
        assert "Traceback" not in html
        plain = await http.get("/error-pages-test/boom")
        assert (plain.status_code, plain.text) == (500, "Internal Server Error")
