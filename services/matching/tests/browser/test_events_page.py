"""The events page in a real Chromium, against matching running as a process on the real broker
and store: on a phone the list comes before the filters, and "I can help" takes a place."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect
from together_kit.keys import SecretKeys
from together_kit.testing.browser import DESKTOP, PHONE
from together_kit.testing.events import listing_approved, volunteer_confirmed
from together_kit.testing.probe import publish_event
from together_kit.testing.processes import ServiceProcess
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually
from together_kit.web.site import SESSION_COOKIE, SitePurpose, SiteTokens

from .conftest import SITE_KEY

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[4] / "var" / "screens"
"""Kept for a person to look at (var/ is not committed)."""


@pytest.fixture
def matching(matching_process: ServiceProcess) -> ServiceProcess:
    return matching_process


async def list_event(
    matching: ServiceProcess, rabbitmq_url: str, *, title: str, days: int, roles: list[str]
) -> str:
    starts = (datetime.now(UTC) + timedelta(days=days)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    body = {
        "title": title,
        "description": "Soup and a chat; help set up and serve.",
        "event_type": "food-and-mutual-aid",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2, minutes=30)).isoformat(),
        "postcode": "M1 1AE",
        "venue_name": "Riverside Community Centre",
        "address_lines": ["12 Mill Lane"],
        "town": "Manchester",
        "places": 4,
        "roles": roles,
        "organiser_name": "Sam Patel",
        "organiser_email": "sam@riverside.example.org",
    }
    async with httpx.AsyncClient(base_url=matching.url, timeout=10) as http:
        created = await http.post("/api/v1/events", json=body)
        assert created.status_code == 201, created.text
        event_id: str = created.json()["id"]
        await publish_event(rabbitmq_url, listing_approved(event_id))

        async def listed() -> bool:
            return event_id in (await http.get("/events")).text

        await eventually(listed, what=f"{title} on /events")
    return event_id


async def confirm_volunteer(matching: ServiceProcess, rabbitmq_url: str) -> uuid.UUID:
    confirmed = volunteer_confirmed(outward_code="EH1", travel_radius_km=5)
    person_id = confirmed.data.person_id
    await publish_event(rabbitmq_url, confirmed)
    # matching has the profile once the help page offers a place rather than refusing.
    return person_id


async def test_on_a_phone_the_events_come_before_the_filters_and_i_can_help_takes_a_place(
    matching: ServiceProcess, rabbitmq_url: str, browser: Browser
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    tag = unique_tag()
    first = await list_event(
        matching,
        rabbitmq_url,
        title=f"Community lunch {tag}",
        days=3,
        roles=["Setting up", "Serving soup", "Clearing away"],
    )
    await list_event(
        matching, rabbitmq_url, title=f"Litter pick {tag}", days=5, roles=["Picking up"]
    )

    phone = await browser.new_context(viewport=PHONE, locale="en-GB")
    page = await phone.new_page()
    await page.goto(f"{matching.url}/events")
    card = page.locator("article.event").first
    filters = page.locator("form[action$='/events']")
    await expect(card).to_be_visible()
    card_box, filters_box = await card.bounding_box(), await filters.bounding_box()
    assert card_box is not None
    assert filters_box is not None
    assert card_box["y"] + card_box["height"] <= filters_box["y"]
    assert card_box["width"] <= PHONE["width"]
    await expect(card.get_by_role("link", name="I can help")).to_be_visible()
    await expect(card.get_by_text("Serving soup")).to_be_visible()
    await page.screenshot(path=str(SCREENS / "events-390.png"), full_page=True)

    desktop = await browser.new_context(viewport=DESKTOP, locale="en-GB")
    wide = await desktop.new_page()
    await wide.goto(f"{matching.url}/events")
    await wide.screenshot(path=str(SCREENS / "events-1280.png"), full_page=True)

    signed_out = await phone.new_page()
    await signed_out.goto(f"{matching.url}/events")
    await signed_out.locator(f"#e-{first}").get_by_role("link", name="I can help").click()
    await expect(signed_out.get_by_role("link", name="Email me a link")).to_be_visible()
    await signed_out.screenshot(path=str(SCREENS / "help-signed-out-390.png"), full_page=True)

    person_id = await confirm_volunteer(matching, rabbitmq_url)
    cookie = SiteTokens(SecretKeys(SITE_KEY)).issue(SitePurpose.SESSION, person_id)
    await phone.add_cookies(
        [{"name": SESSION_COOKIE, "value": cookie, "url": matching.url, "httpOnly": True}]
    )
    helper = await phone.new_page()

    async def offered() -> bool:
        await helper.goto(f"{matching.url}/events/{first}/help")
        return await helper.get_by_role("button", name="Take a place").count() == 1

    await eventually(offered, what="the help page offers a place")
    await helper.screenshot(path=str(SCREENS / "help-390.png"), full_page=True)
    await helper.get_by_role("button", name="Take a place").click()
    await expect(helper.get_by_role("heading", name="You have a place")).to_be_visible()
    await helper.reload()
    await expect(helper.get_by_role("heading", name="You have a place")).to_be_visible()
    await helper.screenshot(path=str(SCREENS / "helped-390.png"), full_page=True)
