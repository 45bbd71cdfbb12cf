"""One navigation on every page: links to each section at its service's public address, the
section a page is in marked, the logo leading home, in English and Welsh
(together_kit.web.navigation)."""

import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from together_kit.web.i18n import KIT_LOCALES, Catalogues
from together_kit.web.navigation import SECTIONS, Navigation
from together_kit.web.rendering import WebPages
from together_kit.web.site import Addresses

pytestmark = pytest.mark.unit

ADDRESSES = Addresses(
    signups="https://join.test/",
    moderation="https://stories.test",
    matching="https://events.test",
    notifications="https://mail.test",
)
PAGE = '{% extends "base.html" %}{% block content %}<h1>Page</h1>{% endblock %}'


def nav_links(html: str) -> list[tuple[str, str, bool]]:
    nav = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', html, re.DOTALL)
    assert nav, html
    return [
        (href, label, bool(current))
        for href, current, label in re.findall(
            r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(1)
        )
    ]


def test_every_link_is_absolute_at_its_services_address() -> None:
    links = Navigation(ADDRESSES, service="moderation").links("/share")
    assert [(link.label, link.href) for link in links] == [
        ("Home", "https://join.test/"),
        ("Stories", "https://stories.test/stories"),
        ("Talk", "https://stories.test/talk"),
        ("Events", "https://events.test/events"),
        ("Volunteer", "https://join.test/join"),
        ("Organisations", "https://join.test/join/organisation"),
        ("My together", "https://join.test/my"),
    ]
    assert [link.label for link in links if link.current] == ["Stories"]


@pytest.mark.parametrize(
    ("service", "path", "section"),
    [
        ("signups", "/", "home"),
        ("signups", "/join", "volunteer"),
        ("signups", "/join/thanks", "volunteer"),
        ("signups", "/join/organisation", "organisations"),
        ("signups", "/join/organisation/thanks", "organisations"),
        ("signups", "/pledges", "organisations"),
        ("signups", "/my/sign-in", "my"),
        ("signups", "/forget", None),
        ("signups", "/joint", None),
        ("matching", "/", None),
        ("matching", "/events/new", "events"),
        ("matching", "/gaps", "events"),
        ("matching", "/my/events", "my"),
        ("moderation", "/stories/abc", "stories"),
        ("moderation", "/talk/abc/results", "talk"),
        ("moderation", "/moderation", None),
        ("notifications", "/unsubscribe/x", None),
    ],
)
def test_a_page_is_in_the_most_specific_section_of_its_own_service(
    service: str, path: str, section: str | None
) -> None:
    assert Navigation(ADDRESSES, service=service).section(path) == section


@pytest.fixture
def client(tmp_path: Path) -> httpx.AsyncClient:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    pages = WebPages(templates=tmp_path, navigation=Navigation(ADDRESSES, service="signups"))
    app = FastAPI()

    @app.get("/{path:path}")
    async def page(request: Request, path: str) -> HTMLResponse:
        return pages.render(request, "page.html")

    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")


async def test_the_page_draws_the_navigation_and_the_logo_goes_home(
    client: httpx.AsyncClient,
) -> None:
    html = (await client.get("/join/organisation")).text
    assert '<a class="site-name" href="https://join.test/">together</a>' in html
    assert '<nav class="site-nav" id="site-nav" aria-label="Main">' in html
    links = nav_links(html)
    assert [label for _, label, _ in links] == [section.label for section in SECTIONS]
    assert [label for _, label, current in links if current] == ["Organisations"]


async def test_the_navigation_speaks_welsh(client: httpx.AsyncClient) -> None:
    html = (await client.get("/", params={"lang": "cy"})).text
    assert '<nav class="site-nav" id="site-nav" aria-label="Prif">' in html
    assert nav_links(html) == [
        ("https://join.test/", "Hafan", True),
        ("https://stories.test/stories", "Straeon", False),
        ("https://stories.test/talk", "Siarad", False),
        ("https://events.test/events", "Digwyddiadau", False),
        ("https://join.test/join", "Gwirfoddoli", False),
        ("https://join.test/join/organisation", "Sefydliadau", False),
        ("https://join.test/my", "Fy together", False),
    ]


def test_every_section_label_has_welsh() -> None:
    entries = Catalogues(KIT_LOCALES).catalogue_entries("cy")
    assert {section.label for section in SECTIONS} <= entries.keys()
