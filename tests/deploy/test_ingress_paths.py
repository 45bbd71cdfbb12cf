"""Behind the production ingress the site is one host, and every link resolves there: the ingress
path map (deploy/k8s/base/ingress.yaml) sends each path to the service that serves it.

Checked against the services' own code, built as production builds them with every public address
set to the one host (no broker or store is touched): every link of the navigation
(together_kit.web.navigation), every link the home page draws, and every route of every service (its
pages and its JSON API) reach, by nginx's matching, the service whose app has that route.
"""

import asyncio
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from together_kit.web.navigation import SECTIONS

from .conftest import SERVICES, Resource, of_kind, routed_to

pytestmark = pytest.mark.unit

HOST = "together.example"
PUBLIC = f"https://{HOST}"
OPERATOR_ROUTES = {"/metrics", "/docs", "/redoc", "/openapi.json", "/asyncapi.json"}
"""Not routed from outside (tests/deploy/test_k8s_security.py)."""
PROBES = {"/healthz", "/readyz"}
"""Asked of each pod by the kubelet, never through the ingress."""
SHARED = ("/static", "/docs/assets")
"""Mounted by every service alike (the kit's stylesheet and script): any service may answer."""


@dataclass(frozen=True)
class Route:
    service: str
    template: str
    pattern: re.Pattern[str]

    @property
    def example(self) -> str:
        """A concrete path of this route (each parameter filled in)."""
        return re.sub(r"\{[^}]+\}", "x", self.template)


def pattern_of(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join(
        (".*" if part.endswith(":path}") else "[^/]+") if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(f"^{regex}$")


def build(name: str) -> FastAPI:
    settings_class = importlib.import_module(f"{name}.settings").Settings
    create_app = importlib.import_module(f"{name}.bootstrap").create_app
    addresses = {f"{service}_public_url": PUBLIC for service in SERVICES}
    app: FastAPI = create_app(settings_class(public_base_url=PUBLIC, **addresses))
    return app


def routes_of(name: str, app: FastAPI) -> Iterator[Route]:
    for route in iter_route_contexts(app.routes):
        template = getattr(route, "path_format", "")
        if template:
            yield Route(name, template, pattern_of(template))


@pytest.fixture(scope="module")
def apps() -> Iterator[dict[str, FastAPI]]:
    built = {name: build(name) for name in SERVICES}
    yield built
    for app in built.values():
        asyncio.run(app.state.runtime.client.close())


@pytest.fixture(scope="module")
def routes(apps: dict[str, FastAPI]) -> list[Route]:
    return [route for name, app in apps.items() for route in routes_of(name, app)]


@pytest.fixture(scope="module")
def ingresses(rendered: dict[str, list[Resource]]) -> list[Resource]:
    return of_kind(rendered["production"], "Ingress")


def servers(routes: list[Route], path: str) -> set[str]:
    """The services with a route that answers `path`."""
    return {route.service for route in routes if route.pattern.match(path)}


def public(route: Route) -> bool:
    """A route people or partners reach through the ingress (not an operator's, a probe or an
    asset every service serves)."""
    return not any(
        route.template == prefix or route.template.startswith(prefix + "/")
        for prefix in (*OPERATOR_ROUTES, *PROBES, *SHARED)
    )


def test_every_route_of_every_service_reaches_that_service(
    routes: list[Route], ingresses: list[Resource]
) -> None:
    wrong = [
        (route.service, route.template, routed_to(ingresses, HOST, route.example))
        for route in routes
        if public(route) and routed_to(ingresses, HOST, route.example) != route.service
    ]
    assert not wrong, "(service, route, where the ingress sends it): " + repr(wrong)


def test_no_route_is_served_by_two_services(routes: list[Route]) -> None:
    """A path two services answer could reach only one of them on one host."""
    clashes = {
        (route.template, tuple(sorted(servers(routes, route.example))))
        for route in routes
        if public(route) and len(servers(routes, route.example)) > 1
    }
    assert not clashes


def test_the_shared_assets_are_served_by_whichever_service_gets_them(
    routes: list[Route], ingresses: list[Resource]
) -> None:
    for path in ("/static/site.css", "/static/site.js"):
        assert routed_to(ingresses, HOST, path) in servers(routes, path)


def test_every_link_of_the_navigation_reaches_the_service_that_serves_it(
    routes: list[Route], ingresses: list[Resource]
) -> None:
    for section in SECTIONS:
        assert servers(routes, section.path) == {section.service}, section
        assert routed_to(ingresses, HOST, section.path) == section.service, section


class Links(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_every_link_of_the_home_page_reaches_the_service_that_serves_it(
    apps: dict[str, FastAPI], routes: list[Route], ingresses: list[Resource], lang: str
) -> None:
    transport = httpx.ASGITransport(app=apps["signups"])
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        home = await client.get("/", params={"lang": lang})
    assert home.status_code == 200
    paths = []
    for href in Links(home.text).hrefs:
        parts = urlsplit(href)
        if parts.netloc in ("", HOST) and parts.path:
            paths.append(parts.path)
    assert len(paths) > len(SECTIONS) + 6, paths
    for path in paths:
        served = servers(routes, path)
        assert len(served) == 1, (path, served)
        assert routed_to(ingresses, HOST, path) in served, path
