"""The API docs of every service work without internet: /docs (Swagger UI) and /redoc load their
scripts, stylesheet and icon from the service itself (the kit serves the assets that the
`fastapi-offline` package ships), never from a CDN or Google Fonts."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

pytestmark = pytest.mark.unit

ASSET = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']""")
CONTENT_TYPES = {
    ".js": ("text/javascript", "application/javascript"),
    ".css": ("text/css",),
    ".png": ("image/png",),
    ".json": ("application/json",),
}


def signups() -> FastAPI:
    from signups.bootstrap import create_app
    from signups.settings import Settings

    return create_app(Settings())


def moderation() -> FastAPI:
    from moderation.bootstrap import create_app
    from moderation.settings import Settings

    return create_app(Settings())


def matching() -> FastAPI:
    from matching.bootstrap import create_app
    from matching.settings import Settings

    return create_app(Settings())


def notifications() -> FastAPI:
    from notifications.adapters.handover_journal import IN_MEMORY
    from notifications.bootstrap import create_app
    from notifications.settings import Settings

    return create_app(Settings(handover_journal_path=IN_MEMORY))


SERVICES: list[Callable[[], FastAPI]] = [signups, moderation, matching, notifications]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
@pytest.mark.parametrize("service", SERVICES, ids=[s.__name__ for s in SERVICES])
async def test_api_docs_load_every_asset_from_the_service_itself(
    service: Callable[[], FastAPI], page: str
) -> None:
    transport = httpx.ASGITransport(app=service())  # no lifespan: no broker or store needed
    async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as http:
        html = await http.get(page)
        assert html.status_code == 200
        assert html.headers["content-type"].startswith("text/html")
        assert "://" not in html.text, "an absolute URL: something loads from another host"
        assets = ASSET.findall(html.text)
        assert any(a.endswith(".js") for a in assets), assets
        for asset in assets:
            parts = urlsplit(asset)
            assert not parts.scheme, asset
            assert not parts.netloc, asset
            assert asset.startswith("/"), asset
            served = await http.get(asset)
            assert served.status_code == 200, asset
            suffix = asset[asset.rfind(".") :]
            kind = served.headers["content-type"].split(";")[0]
            assert kind in CONTENT_TYPES[suffix], f"{asset}: {kind}"
