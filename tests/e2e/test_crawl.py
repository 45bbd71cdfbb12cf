"""The four services as one site: from the home page, in English and in Welsh, every internal link
leads somewhere (no 404, no 5xx), across services, and every page has the site's navigation, a
`lang` and a title; the same for the moderator UI once a lead has signed in.

The services run as `make run` wires them (real processes, each told every other's public
address). A story and an event are shared and approved first, so the crawl meets their pages too.
Only GET links are followed (forms act; they are not sent), and never a signed one-time link (a
confirmation or an invitation acts or spends itself when followed; their pages have tests of
their own). Screenshots of the home page at 1280 and 390 pixels go to var/screens/.
"""

import html
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

import httpx
import pytest
from together_kit.testing.browser import chromium, require_chromium
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually
from together_kit.web.navigation import SECTIONS

from .conftest import SERVICES, System
from .test_journeys import STEP, claimed, csrf_of, item_in_queue, moderator, start_everything

pytestmark = pytest.mark.e2e

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
ONE_TIME = (
    "/confirm/",
    "/my/sign-in/",
    "/forget/",
    "/stop-emails/",
    "/unsubscribe/",
    "/preferences/",
    "/r/",
    "/events/manage/",
    "/events/cancel/",
    "/events/attendance/",
    "/stories/withdraw/",
    "/organisers/",
)
"""Signed links from emails: following one acts, or spends it."""
MAX_PAGES = 400
"""Far more than the site has; a crawl that reaches it is following links that multiply."""
WELSH = {"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}


class Parsed(HTMLParser):
    """What the crawl reads of a page: its links, its language, title and navigation."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.lang: str | None = None
        self.title = ""
        self.nav_links: list[str] = []
        self._in_title = False
        self._in_nav = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "nav" and "site-nav" in (attributes.get("class") or "").split():
            self._in_nav = True
        elif tag == "a" and attributes.get("href"):
            href = attributes["href"] or ""
            self.links.append(href)
            if self._in_nav:
                self.nav_links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "nav":
            self._in_nav = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclass
class Crawl:
    """Pages reached from `start` through internal GET links, each checked as it is fetched."""

    system: System
    client: httpx.AsyncClient
    language: str
    """What every page says in `<html lang>`, but one that a `?lang=` link asks for."""
    visited: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    langs: set[str] = field(default_factory=set)

    def internal(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        return origin in {self.system.url(name) for name in SERVICES}

    def followed(self, url: str) -> bool:
        path = urlsplit(url).path
        return self.internal(url) and not any(path.startswith(prefix) for prefix in ONE_TIME)

    async def run(self, starts: Iterable[str]) -> None:
        queue = deque(starts)
        while queue:
            url = queue.popleft()
            if url in self.visited:
                continue
            assert len(self.visited) < MAX_PAGES, "the crawl does not end"
            response = await self.client.get(url)
            self.client.cookies.delete("lang")  # a language switch followed switches that page
            self.visited[url] = response.status_code
            if response.status_code == 404 or response.status_code >= 500:
                self.problems.append(f"{response.status_code} {url}")
                continue
            if response.status_code >= 400:
                self.problems.append(f"{response.status_code} {url}")
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            page = Parsed(response.text)
            self.check(str(response.url), page)
            for href in page.links:
                target, _fragment = urldefrag(urljoin(str(response.url), html.unescape(href)))
                if self.followed(target) and target not in self.visited:
                    queue.append(target)

    def check(self, url: str, page: Parsed) -> None:
        asked = parse_qs(urlsplit(url).query).get("lang", [self.language])[-1]
        if page.lang != asked:
            self.problems.append(f"lang {page.lang!r}, not {asked!r}: {url}")
        self.langs.add(page.lang or "")
        if not page.title.strip():
            self.problems.append(f"no title: {url}")
        if len(page.nav_links) != len(SECTIONS):
            self.problems.append(f"no navigation: {url}")


def next_saturday_morning() -> datetime:
    now = datetime.now(UTC)
    days = (5 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)


async def share_and_list(system: System) -> tuple[str, str]:
    """A story shared through the form and an event listed through the API, both in the queue."""
    tag = unique_tag()
    story = f"Soup on the doorstep {tag}"
    event = f"Park bench painting {tag}"
    async with httpx.AsyncClient(timeout=30) as public:
        shared = await public.post(
            f"{system.url('moderation')}/share",
            data={
                "prompt": "lockdown",
                "title": story,
                "text": "Every Friday of the first lockdown our neighbour left soup on each "
                "doorstep of the street, and a note asking how we were.",
                "name": "Bethan",
                "region": "CF24",
                "language": "en",
                "consent_to_publish": "yes",
            },
        )
        assert shared.status_code == 303, shared.text
        starts = next_saturday_morning()
        listed = await public.post(
            f"{system.url('matching')}/api/v1/events",
            json={
                "title": event,
                "description": "Brushes, paint and tea provided.",
                "event_type": "environment",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "postcode": "CF24 3AA",
                "venue_name": "Roath Park",
                "address_lines": ["Lake Road"],
                "town": "Cardiff",
                "organiser_name": "Rhian Evans",
                "places": 5,
                "roles": ["Painting"],
                "organiser_email": f"organiser-{uuid.uuid4().hex[:8]}@example.org",
            },
        )
        assert listed.status_code == 201, listed.text
    return story, event


async def approve(desk: httpx.AsyncClient, title: str) -> str:
    """Claim and approve the queue's item titled `title`; its id."""
    item_id = await item_in_queue(desk, title)
    item = await claimed(desk, item_id)
    done = await desk.post(
        f"/moderation/items/{item_id}/approve", data={"csrf": csrf_of(item.text)}
    )
    assert done.status_code == 303, done.text
    return item_id


async def published(system: System, story: str, event: str) -> None:
    async with httpx.AsyncClient(timeout=30) as public:

        async def shown() -> bool:
            stories = await public.get(f"{system.url('moderation')}/stories")
            events = await public.get(f"{system.url('matching')}/events")
            return html.escape(story) in stories.text and html.escape(event) in events.text

        assert await eventually(shown, timeout=STEP, what="the story and the event published")


async def screenshots(pages: dict[str, str], cookies: httpx.Cookies) -> list[Path]:
    """Each of `pages` (name: url) at 1280 and 390 pixels wide, with the moderator's session."""
    require_chromium()
    SCREENS.mkdir(parents=True, exist_ok=True)
    session = [
        {"name": c.name, "value": c.value or "", "domain": c.domain, "path": c.path}
        for c in cookies.jar
    ]
    taken = []
    async with chromium() as browser:
        for name, url in pages.items():
            for width in (1280, 390):
                context = await browser.new_context(viewport={"width": width, "height": 900})
                await context.add_cookies(session)  # type: ignore[arg-type]
                page = await context.new_page()
                await page.goto(url)
                path = SCREENS / f"{name}-{width}.png"
                await page.screenshot(path=str(path), full_page=True)
                overflow = await page.evaluate(
                    "document.documentElement.scrollWidth > window.innerWidth"
                )
                assert not overflow, f"{name} is wider than {width} px"
                taken.append(path)
                await context.close()
    return taken


async def test_every_link_from_the_home_page_and_the_moderator_ui_leads_somewhere(
    system: System, mail_sink: Any
) -> None:
    await start_everything(system, mail_sink)
    story, event = await share_and_list(system)
    async with moderator(system) as desk:
        await approve(desk, story)
        item_id = await approve(desk, event)
        await published(system, story, event)

        home = system.url("signups") + "/"
        async with httpx.AsyncClient(timeout=30, follow_redirects=True) as english:
            crawl = Crawl(system, english, "en")
            await crawl.run([home])
            assert not crawl.problems, crawl.problems
            assert crawl.langs == {"en", "cy"}  # the language switch was followed too
            visited = {urlsplit(url).path for url in crawl.visited}
            for section in SECTIONS:
                assert section.path in visited, section
            assert {"/share", "/events/new", "/gaps", "/pledges"} <= visited
            assert any(path.startswith("/stories/") for path in visited), visited
            assert any(path.endswith("/help") for path in visited), visited

        async with httpx.AsyncClient(timeout=30, follow_redirects=True, headers=WELSH) as welsh:
            crawl = Crawl(system, welsh, "cy")
            await crawl.run([home])
            assert not crawl.problems, crawl.problems
            assert len(crawl.visited) > len(SECTIONS) * 2, crawl.visited
            assert crawl.langs == {"cy", "en"}

        desk.follow_redirects = True
        crawl = Crawl(system, desk, "en")
        await crawl.run([f"{system.url('moderation')}/moderation"])
        assert not crawl.problems, crawl.problems
        moderation = {urlsplit(url).path for url in crawl.visited}
        for page in ("/moderation/dashboard", "/moderation/published", "/moderation/moderators"):
            assert page in moderation
        assert any(path.startswith("/moderation/items/") for path in moderation), moderation

        taken = await screenshots(
            {
                "home-en": f"{home}?lang=en",
                "home-cy": f"{home}?lang=cy",
                "moderator-item": f"{system.url('moderation')}/moderation/items/{item_id}",
            },
            desk.cookies,
        )
    assert all(path.stat().st_size > 0 for path in taken)
