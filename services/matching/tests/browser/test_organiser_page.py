"""The organiser opens the page their email links to, moves the event's time, and sees it."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect
from together_kit.testing.events import listing_approved
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.processes import ServiceProcess
from together_kit.testing.tags import unique_tag

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
"""Set it to keep screenshots of the page at 1280 and 390 pixels wide."""


def next_saturday_noon() -> datetime:
    now = datetime.now(UTC)
    days = (5 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=12, minute=0, second=0, microsecond=0)


async def test_the_organiser_moves_the_time_on_their_page(
    matching_process: ServiceProcess, browser: Browser, rabbitmq_url: str
) -> None:
    title = f"Riverside lunch {unique_tag()}"
    starts = next_saturday_noon()
    async with httpx.AsyncClient(base_url=matching_process.url, timeout=10) as http:
        created = await http.post(
            "/api/v1/events",
            json={
                "title": title,
                "description": "Soup and a chat; help set up and serve.",
                "event_type": "food-and-mutual-aid",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "postcode": "M1 1AE",
                "venue_name": "Riverside Community Centre",
                "address_lines": ["12 Mill Lane"],
                "town": "Manchester",
                "places": 4,
                "organiser_name": "Sam Patel",
                "organiser_email": "sam@riverside.example.org",
            },
        )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    manage_url = created.json()["manage_url"]
    async with event_probe(rabbitmq_url, ["event.published", "event.changed"]) as probe:
        await publish_event(
            rabbitmq_url,
            listing_approved(event_id),
        )
        await probe.wait_for(1)

        context = await browser.new_context(locale="en-GB")
        page = await context.new_page()
        await page.goto(manage_url)
        await expect(page.get_by_role("heading", name="Your event's page")).to_be_visible()
        await expect(page.locator("#status")).to_contain_text("Published")
        await expect(page.locator("#places-taken")).to_have_text("0 of 4")
        await expect(page.locator(".event")).to_contain_text("12:00")

        await page.get_by_label("Start time").fill("15:00")
        await page.get_by_label("End time").fill("17:00")
        await page.get_by_role("button", name="Save the changes").click()

        await expect(page.get_by_role("status")).to_contain_text("Your changes are saved")
        await expect(page.locator(".event")).to_contain_text("15:00")
        await expect(page.get_by_label("Start time")).to_have_value("15:00")
        [_, changed] = await probe.wait_for(2)
    assert changed["type"] == "event.changed"
    assert changed["data"]["changes"] == ["starts_at", "ends_at"]

    if SCREENSHOTS:
        for width in (1280, 390):
            await page.set_viewport_size({"width": width, "height": 900})
            path = Path(SCREENSHOTS) / f"organiser-page-{width}.png"
            await page.screenshot(path=str(path), full_page=True)
    await context.close()
