"""Classic XSS payloads through every public text field, to every page that shows it, in Chromium.

Each payload, if it ran, would set `window.__xss` or open a dialog. Every page is checked after it
has loaded: no dialog opened, the canary is unset, nothing the payloads would inject is in the
page, and the payload is there as the literal text (or field value) that was sent.

The services run as processes on the real broker and store (as the services' own browser tests
do); one browser context per journey.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pyotp
import pytest
from matching.settings import DISTRICTS
from playwright.async_api import Browser, BrowserContext, Dialog, Page, expect
from together_contracts import PledgeApproved, PledgeOutcomeData
from together_kit.http.text import clean_text
from together_kit.testing.browser import require_chromium
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.processes import ServiceProcess
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.browser

require_chromium()

XSS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=2;alert(2)">',
    "<svg onload=window.__xss=3;alert(3)><circle r=5 /></svg>",
    "javascript:window.__xss=4;alert(4)",
    '<a href="javascript:window.__xss=5;alert(5)">click me</a>',
    '"><script>window.__xss=6;alert(6)</script>',
    "'><img src=x onerror=window.__xss=7;alert(7)>",
    "</textarea><script>window.__xss=8;alert(8)</script>",
    "</title><script>window.__xss=9;alert(9)</script>",
    "{{7*7}} ${7*7} #{7*7} {% print(49) %} <%= 7*7 %>",
    '<iframe srcdoc="<script>parent.__xss=10;parent.alert(10)</script>"></iframe>',
    '<details open ontoggle="window.__xss=11;alert(11)">',
    "\u202egnp.exe\u202c <b onmouseover=window.__xss=12>RTL \u200f\u2066trick\u2069</b>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=13>",
]
INJECTED = (
    "main script, main iframe, main math, main svg[onload], main details:not([data-site]), "
    "main img[src='x'], "
    "[onerror], [onload], [ontoggle], [onmouseover], a[href^='javascript']"
)
CANARY = "window.__xss = undefined;"
LEAD_EMAIL = "lena.hostile@example.org"
LEAD_PASSWORD = "lena's long hostile passphrase"
GEONAMES = DISTRICTS

StartService = Callable[..., ServiceProcess]


def shown(payload: str) -> str:
    """The text as a page shows it: services drop control and format characters from text."""
    return clean_text(payload)


class Watched:
    """A page whose dialogs are recorded, with the canary reset before each document's scripts."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", self._dismiss)

    async def _dismiss(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        await dialog.dismiss()

    async def assert_inert(self, where: str) -> None:
        assert self.dialogs == [], f"{where}: a dialog opened: {self.dialogs}"
        assert await self.page.evaluate("window.__xss") is None, f"{where}: the canary was set"
        injected = await self.page.locator(INJECTED).count()
        assert injected == 0, f"{where}: {injected} injected elements"

    async def assert_text(self, where: str, *payloads: str) -> None:
        text = await self.page.locator("body").inner_text()
        for payload in payloads:
            assert shown(payload) in text, f"{where}: {payload!r} is not shown as text"

    async def post_form(self, action: str, fields: dict[str, str]) -> None:
        """Post `fields` to `action` from the current page (same origin), as its form would."""
        async with self.page.expect_navigation():
            await self.page.evaluate(
                """([action, fields]) => {
                    const form = document.createElement('form');
                    form.method = 'post';
                    form.action = action;
                    for (const [name, value] of Object.entries(fields)) {
                        const input = document.createElement('textarea');
                        input.name = name;
                        input.value = value;
                        form.appendChild(input);
                    }
                    document.body.appendChild(form);
                    form.submit();
                }""",
                [action, fields],
            )


async def watched_page(browser: Browser) -> tuple[BrowserContext, Watched]:
    context = await browser.new_context(locale="en-GB")
    await context.add_init_script(CANARY)
    return context, Watched(await context.new_page())


@pytest.fixture
def start(
    rabbitmq_url: str, mongodb_url: str, database_name: str, tmp_path: Path
) -> Iterator[StartService]:
    """Start services as processes against the test broker and store, ready on return unless
    `ready=False` (then the caller waits, doing something else meanwhile); all stop at the end."""
    with ExitStack() as stack:

        def start_service(name: str, *, ready: bool = True, **env: str) -> ServiceProcess:
            prefix = name.upper()
            process = ServiceProcess(
                name,
                env={
                    "RABBITMQ_URL": rabbitmq_url,
                    "MONGODB_URL": mongodb_url,
                    f"{prefix}_MONGODB_DATABASE": f"{database_name}{name[:3]}",
                    **env,
                },
                log_dir=tmp_path,
            ).start()
            stack.callback(process.stop)
            if ready:
                process.wait_ready(timeout=60)
            return process

        yield start_service


def field_value(page: Page, name: str) -> Any:
    return page.locator(f"[name='{name}']").first.input_value()


async def assert_echoed(watched: Watched, where: str, fields: dict[str, str]) -> None:
    for name, sent in fields.items():
        echoed = await field_value(watched.page, name)
        assert echoed in {sent, shown(sent)}, f"{where}: {name} echoed as {echoed!r}"


async def test_signups_pages_show_hostile_text_as_text(
    start: StartService, browser: Browser, rabbitmq_url: str
) -> None:
    signups = start(
        "signups",
        SIGNUPS_JOIN_RATE_LIMIT="100000/minute",
        SIGNUPS_PUBLIC_BASE_URL="http://signups.test",
    )
    context, watched = await watched_page(browser)
    page = watched.page
    await page.goto(f"{signups.url}/join")

    for n, payload in enumerate(XSS):
        entered = {"name": payload, "email": payload, "postcode": payload, "phone": payload}
        await watched.post_form(f"{signups.url}/join", {**entered, "travel_radius_km": "10"})
        await expect(page.locator("#error-summary")).to_be_visible()
        await watched.assert_inert(f"/join echo #{n}")
        await assert_echoed(watched, f"/join echo #{n}", entered)

        entered = {
            "name": payload,
            "contact_name": payload,
            "contact_email": payload,
            "postcode": payload,
            "pledge": f"We pledge: {payload}",
        }
        form = {**entered, "organisation_type": "community-group", "language": "en"}
        await watched.post_form(f"{signups.url}/join/organisation", form)
        await expect(page.locator("#error-summary")).to_be_visible()
        await watched.assert_inert(f"/join/organisation echo #{n}")
        await assert_echoed(watched, f"/join/organisation echo #{n}", entered)

        entered = {"name": payload, "town": payload, "email": payload}
        await watched.post_form(f"{signups.url}/letter", {**entered, "kind": "person"})
        await expect(page.locator("#error-summary")).to_be_visible()
        await watched.assert_inert(f"/letter echo #{n}")
        await assert_echoed(watched, f"/letter echo #{n}", entered)

        await watched.post_form(f"{signups.url}/forget", {"email": payload})
        await expect(page.locator("#error-summary")).to_be_visible()
        await watched.assert_inert(f"/forget echo #{n}")
        await assert_echoed(watched, f"/forget echo #{n}", {"email": payload})

    async with event_probe(rabbitmq_url, ["organisation.joined", "pledge.made"]) as probe:
        tag = uuid.uuid4().hex[:8]
        emails = []
        async with httpx.AsyncClient(base_url=signups.url, timeout=10) as http:
            for n, payload in enumerate(XSS):
                emails.append(f"org{n}.{tag}@example.org")
                body = {
                    "name": f"{payload} #{n}",
                    "organisation_type": "community-group",
                    "contact_name": payload,
                    "contact_email": emails[-1],
                    "postcode": "M1 1AE",
                    "pledge": f"Our pledge {n}: {payload}",
                }
                created = await http.post("/api/v1/organisations", json=body)
                assert created.status_code == 202, created.text
        for email in emails:
            path = await confirm_path(probe, email)
            await page.goto(f"{signups.url}{path}")
            await watched.assert_inert(f"the page confirming {email}")
            await page.click("form[method=post] button[type=submit]")
            await page.wait_for_load_state()
            await watched.assert_inert(f"confirming {email}")
        await approve_every_pledge(probe, rabbitmq_url, count=len(XSS))

    async def pledges_page() -> str:
        async with httpx.AsyncClient(base_url=signups.url, timeout=10) as http:
            return (await http.get("/pledges")).text

    await eventually(pledges_page, until=lambda page: page.count('class="pledge"') >= len(XSS))
    await page.goto(f"{signups.url}/pledges")
    await watched.assert_inert("/pledges")
    await watched.assert_text(
        "/pledges",
        *(f"{payload} #{n}" for n, payload in enumerate(XSS)),
        *(f"Our pledge {n}: {payload}" for n, payload in enumerate(XSS)),
    )
    await page.wait_for_timeout(300)  # handlers that would fire after load, given their chance
    await watched.assert_inert("the end")
    await context.close()


async def approve_every_pledge(probe: EventProbe, rabbitmq_url: str, *, count: int) -> None:
    """As moderation does when a moderator approves each pledge as sent (pledges are public only
    once approved)."""

    async def made() -> list[dict[str, Any]]:
        return [e["data"] for e in probe.events if e["type"] == "pledge.made"]

    pledges = await eventually(made, until=lambda found: len(found) >= count, what="pledges made")
    for pledge in pledges:
        data = PledgeOutcomeData(
            pledge_id=pledge["pledge_id"],
            organisation_id=pledge["organisation_id"],
            organisation_name=pledge["organisation_name"],
            text=pledge["text"],
        )
        approved = PledgeApproved(producer="moderation", correlation_id="xss", data=data)
        await publish_event(rabbitmq_url, approved)


async def confirm_path(probe: EventProbe, email: str) -> str:
    async def found() -> list[dict[str, Any]]:
        return [e for e in probe.events if e["data"].get("contact_email") == email]

    [event, *_] = await eventually(found, what=f"organisation.joined for {email}")
    return str(urlsplit(event["data"]["confirm_url"]).path)


def next_saturday_noon() -> datetime:
    now = datetime.now(UTC)
    days = (5 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=12, minute=0, second=0, microsecond=0)


def create_lead(rabbitmq_url: str, mongodb_url: str, database: str) -> None:
    env = {"RABBITMQ_URL": rabbitmq_url, "MONGODB_URL": mongodb_url}
    created = subprocess.run(
        [
            *(sys.executable, "-m", "moderation.cli", "create-lead"),
            *("--email", LEAD_EMAIL, "--name", "Lena", "--password-stdin"),
        ],
        input=LEAD_PASSWORD + "\n",
        env={**os.environ, **env, "MODERATION_MONGODB_DATABASE": database},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr


async def test_stories_and_listings_show_hostile_text_as_text(
    start: StartService, browser: Browser, rabbitmq_url: str, mongodb_url: str, database_name: str
) -> None:
    moderation = start("moderation", ready=False, MODERATION_SHARE_RATE_LIMIT="100000/minute")
    matching = start(
        "matching",
        ready=False,
        MATCHING_SUBMIT_RATE_LIMIT="100000/minute",
        MATCHING_GEONAMES_PATH=str(GEONAMES),
    )
    create_lead(rabbitmq_url, mongodb_url, f"{database_name}mod")  # while both start
    for process in (moderation, matching):
        process.wait_ready(timeout=60)
    context, watched = await watched_page(browser)
    page = watched.page

    await page.goto(f"{moderation.url}/share")
    await page.goto(f"{matching.url}/events/new")
    for n, payload in enumerate(XSS):
        await page.goto(f"{moderation.url}/share")
        entered = {"title": payload, "text": payload, "name": payload, "region": payload}
        await watched.post_form(f"{moderation.url}/share", {**entered, "email": payload})
        await expect(page.locator("#error-summary")).to_be_visible()
        await watched.assert_inert(f"/share echo #{n}")
        await assert_echoed(watched, f"/share echo #{n}", entered)

        await page.goto(f"{matching.url}/events/new")
        entered = {
            "title": payload,
            "description": payload,
            "postcode": payload,
            "roles": payload,
            "accessibility": payload,
            "organiser_email": payload,
        }
        await watched.post_form(f"{matching.url}/events/new", entered)
        await expect(page.locator("#error-summary")).to_be_visible()
        await watched.assert_inert(f"/events/new echo #{n}")
        await assert_echoed(watched, f"/events/new echo #{n}", entered)

    tag = uuid.uuid4().hex[:6]
    starts = next_saturday_noon()
    async with httpx.AsyncClient(timeout=10) as http:
        stories = []
        for n, payload in enumerate(XSS):
            story = {
                "prompt": "unites-us",
                "title": f"s{n}{tag} {payload}",
                "text": f"Before {payload} after",
                "name": payload[:100],
                "region": "CF24",
                "consent_to_publish": True,
            }
            sent = await http.post(f"{moderation.url}/api/v1/stories", json=story)
            assert sent.status_code == 201, sent.text
            stories.append(str(sent.json()["id"]))
        for n, payload in enumerate(XSS):
            listing = {
                "title": f"e{n}{tag} {payload}",
                "description": f"Come along: {payload}",
                "event_type": "food-and-mutual-aid",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "postcode": "M1 1AE",
                "venue_name": f"Hall {payload[:150]}",
                "address_lines": [payload[:100]],
                "town": "Manchester",
                "organiser_name": f"Sam {payload[:150]}",
                "places": 6,
                "roles": [payload[:100]],
                "accessibility": payload,
                "organiser_email": f"organiser{n}.{tag}@example.org",
            }
            sent = await http.post(f"{matching.url}/api/v1/events", json=listing)
            assert sent.status_code == 201, sent.text

    await page.goto(f"{moderation.url}/moderation/login")
    await page.get_by_label("Email address").fill(LEAD_EMAIL)
    await page.get_by_label("Password").fill(LEAD_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    secret = (await page.locator("#totp-secret").inner_text()).replace(" ", "")
    await page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Turn on the second factor").click()
    await page.get_by_role("link", name="I have kept them: continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    await watched.assert_inert("the moderation queue")
    links = []
    for kind in ("story", "listing"):  # by kind: pledges other tests' signups made may be queued
        await page.goto(f"{moderation.url}/moderation?kind={kind}")
        queue = page.locator("#queue-list tbody tr", has_text=tag)
        await expect(queue).to_have_count(len(XSS), timeout=30_000)
        await watched.assert_inert(f"the moderation queue of each {kind}")
        links += await queue.locator("a.item-link").evaluate_all(
            "links => links.map(a => [a.href, a.textContent])"
        )
    for link, title in links:
        payload = XSS[int(title.strip().split(" ")[0][1:].removesuffix(tag))]
        await page.goto(link)
        await expect(page.locator("#submission")).to_be_visible()
        await watched.assert_inert(link)
        await watched.assert_text(link, payload)
        await page.get_by_role("button", name="Work on this item").click()
        await page.get_by_role("button", name="Approve as sent").click()
        await expect(page.locator(".flash")).to_be_visible()
        await watched.assert_inert(f"after approving {link}")

    for n, story_id in enumerate(stories):
        await page.goto(f"{moderation.url}/stories/{story_id}")
        await watched.assert_inert(f"/stories/{story_id}")
        await watched.assert_text(f"/stories/{story_id}", f"Before {XSS[n]} after")
    await page.goto(f"{moderation.url}/stories")
    await watched.assert_inert("/stories")

    async def published() -> int:
        async with httpx.AsyncClient(timeout=10) as http:
            found = (await http.get(f"{matching.url}/api/v1/events")).json()
        return sum(1 for event in found if tag in event["title"])

    await eventually(published, until=lambda count: count == len(XSS), what="published events")
    await page.goto(f"{matching.url}/events")
    await watched.assert_inert("/events")
    await watched.assert_text(
        "/events",
        *(f"e{n}{tag} {payload}" for n, payload in enumerate(XSS)),
        *(f"Come along: {payload}" for payload in XSS),
    )
    await page.goto(f"{matching.url}/gaps")
    await watched.assert_inert("/gaps")
    await page.wait_for_timeout(300)  # handlers that would fire after load, given their chance
    await watched.assert_inert("the end")
    await context.close()


async def test_notifications_support_page_shows_hostile_text_as_text(
    start: StartService, browser: Browser
) -> None:
    key = "support-key-for-hostile-tests"
    notifications = start("notifications", NOTIFICATIONS_ADMIN_API_KEY=key)
    context = await browser.new_context(
        locale="en-GB", http_credentials={"username": "support", "password": key}
    )
    await context.add_init_script(CANARY)
    watched = Watched(await context.new_page())

    for n, payload in enumerate(XSS):
        await watched.page.goto(
            f"{notifications.url}/support/messages?{httpx.QueryParams(recipient=payload)}"
        )
        await expect(watched.page.get_by_role("heading", level=1)).to_have_text("Delivery log")
        await watched.assert_inert(f"/support/messages #{n}")
        assert await field_value(watched.page, "recipient") == payload
    await watched.page.wait_for_timeout(300)
    await watched.assert_inert("the end")
    await context.close()
