"""The gap map in a real Chromium, against matching running as a process on the real broker and
store: the UK's outline, its key and the biggest gaps, on a phone without sideways scrolling."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect
from together_kit.testing.browser import DESKTOP, PHONE
from together_kit.testing.events import listing_approved, volunteer_confirmed
from together_kit.testing.probe import publish_event
from together_kit.testing.processes import ServiceProcess
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[4] / "var" / "screens"
"""Kept for a person to look at (var/ is not committed)."""
VOLUNTEERS = {"M1": 3, "CF10": 2, "LL57": 4, "EH1": 6, "BT1": 2, "SW1A": 5, "PL1": 1}
EVENTS_AT = ("M1 1AE", "SW1A 1AA")


@pytest.fixture
def matching(matching_process: ServiceProcess) -> ServiceProcess:
    return matching_process


async def seed(matching: ServiceProcess, rabbitmq_url: str) -> None:
    """Volunteers in seven districts, events in two of them; wait until the map counts them."""
    for outward_code, count in VOLUNTEERS.items():
        for _ in range(count):
            confirmed = volunteer_confirmed(outward_code=outward_code)
            await publish_event(rabbitmq_url, confirmed)
    starts = (datetime.now(UTC) + timedelta(days=4)).replace(hour=12, minute=0, microsecond=0)
    async with httpx.AsyncClient(base_url=matching.url, timeout=10) as http:
        for postcode in EVENTS_AT:
            body = {
                "title": f"Community lunch {unique_tag()}",
                "description": "Soup and a chat; help set up and serve.",
                "event_type": "food-and-mutual-aid",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "postcode": postcode,
                "venue_name": "Riverside Community Centre",
                "address_lines": ["12 Mill Lane"],
                "town": "Somewhere",
                "places": 4,
                "organiser_name": "Sam Patel",
                "organiser_email": "sam@riverside.example.org",
            }
            created = await http.post("/api/v1/events", json=body)
            assert created.status_code == 201, created.text
            await publish_event(rabbitmq_url, listing_approved(created.json()["id"]))

        async def counted() -> dict[str, tuple[int, int]]:
            found = (await http.get("/api/v1/gaps")).json()
            return {g["outward_code"]: (g["volunteers"], g["events_in_reach"]) for g in found}

        expected = {code: (n, 1 if code in ("M1", "SW1A") else 0) for code, n in VOLUNTEERS.items()}
        await eventually(counted, until=lambda c: c == expected, what="the gaps of every district")


async def test_the_map_fits_a_phone_and_shows_the_uk_its_key_and_the_gaps(
    matching: ServiceProcess, rabbitmq_url: str, browser: Browser
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    await seed(matching, rabbitmq_url)

    phone = await (await browser.new_context(viewport=PHONE, locale="en-GB")).new_page()
    await phone.goto(f"{matching.url}/gaps")
    gap_map = phone.locator("svg.gap-map")
    await expect(gap_map).to_be_visible()
    box = await gap_map.bounding_box()
    assert box is not None
    assert box["width"] >= PHONE["width"] * 0.8
    assert box["height"] >= 300
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await expect(phone.locator("svg.gap-map path.land")).to_be_visible()
    key = phone.locator(".legend")
    await expect(key.get_by_text("no events in reach")).to_be_visible()
    assert (await key.locator("circle.gap-none").bounding_box() or {"width": 0})["width"] > 10
    rows = phone.locator(".gap-table tbody th")
    await expect(rows).to_have_text(["EH1", "LL57", "BT1", "CF10", "PL1"])
    await phone.screenshot(path=str(SCREENS / "gaps-390.png"), full_page=True)

    await phone.get_by_role("link", name="Wales", exact=True).click()
    await expect(phone.get_by_role("link", name="Wales", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    await expect(rows).to_have_text(["LL57", "CF10"])
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await phone.screenshot(path=str(SCREENS / "gaps-wales-390.png"), full_page=True)

    wide = await (await browser.new_context(viewport=DESKTOP, locale="en-GB")).new_page()
    await wide.goto(f"{matching.url}/gaps")
    await expect(wide.locator("svg.gap-map")).to_be_visible()
    assert await wide.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    await wide.screenshot(path=str(SCREENS / "gaps-1280.png"), full_page=True)
    await wide.goto(f"{matching.url}/gaps?area=london")
    await wide.screenshot(path=str(SCREENS / "gaps-london-1280.png"), full_page=True)
