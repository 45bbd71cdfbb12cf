"""The volunteer's page "My together" in a real Chromium with JavaScript off, on a phone-sized
screen: signups and matching running as processes on the real broker and store, one session
cookie for both. Ask for a link, press its button, see my details, go to my events, accept an
invitation and see the place in full."""

import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect
from together_contracts import ListingApproved, ListingDecisionData
from together_kit.testing.browser import PHONE, require_chromium
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.processes import ServiceProcess
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.browser

WIDE: ViewportSize = {"width": 1280, "height": 900}
SHOTS = Path(tempfile.gettempdir())
"""Screenshots kept for a person to look at: my-together-*.png."""
EVENTS = ["volunteer.registered", "person.sign_in_requested", "match.proposed"]

require_chromium()


@pytest.fixture
def services(
    rabbitmq_url: str, mongodb_url: str, database_name: str, tmp_path: Path
) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    common = {"RABBITMQ_URL": rabbitmq_url, "MONGODB_URL": mongodb_url}
    signups = ServiceProcess("signups", env=dict(common), log_dir=tmp_path)
    matching = ServiceProcess("matching", env=dict(common), log_dir=tmp_path)
    addresses = {"SIGNUPS_PUBLIC_BASE_URL": signups.url, "MATCHING_PUBLIC_BASE_URL": matching.url}
    signups.env |= addresses | {
        "SIGNUPS_MONGODB_DATABASE": database_name,
        "SIGNUPS_JOIN_RATE_LIMIT": "1000/minute",
        "SIGNUPS_OUTBOX_POLL_SECONDS": "0.2",
    }
    matching.env |= addresses | {
        "MATCHING_MONGODB_DATABASE": database_name + "m",
        "MATCHING_SUBMIT_RATE_LIMIT": "1000/minute",
        "MATCHING_OUTBOX_POLL_SECONDS": "0.2",
    }
    started = [signups.start(), matching.start()]
    try:
        for service in started:
            service.wait_ready()
        yield signups, matching
    finally:
        for service in started:
            service.stop()


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, EVENTS) as probe:
        yield probe


async def one(probe: EventProbe, event_type: str, person_id: str) -> dict[str, Any]:
    async def found() -> list[dict[str, Any]]:
        return [
            e
            for e in probe.events
            if e["type"] == event_type and e["data"].get("person_id") == person_id
        ]

    [event, *_] = await eventually(found, what=event_type, timeout=30)
    return event


def next_saturday_noon() -> datetime:
    now = datetime.now(UTC)
    days = (5 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=12, minute=0, second=0, microsecond=0)


async def invited_volunteer(
    signups: ServiceProcess, matching: ServiceProcess, probe: EventProbe, rabbitmq_url: str
) -> tuple[str, str]:
    """A confirmed volunteer near an approved event, which matching has proposed to them."""
    email = f"ann.{uuid.uuid4().hex[:8]}@example.org"
    starts = next_saturday_noon()
    async with httpx.AsyncClient() as http:
        joined = await http.post(
            f"{signups.url}/join",
            data={
                "name": "Ann Jones",
                "email": email,
                "postcode": "M1 1AE",
                "interests": ["food-and-mutual-aid"],
                "availability": ["weekends"],
                "travel_radius_km": "10",
                "language": "en",
                "consent_matched_events": "yes",
            },
        )
        assert joined.status_code == 303

        async def registered() -> list[dict[str, Any]]:
            return [
                e
                for e in probe.events
                if e["type"] == "volunteer.registered" and e["data"]["email"] == email
            ]

        [event, *_] = await eventually(registered, what="volunteer.registered", timeout=30)
        person_id = str(event["data"]["person_id"])
        await http.post(event["data"]["confirm_url"])
        listed = await http.post(
            f"{matching.url}/api/v1/events",
            json={
                "title": "Community lunch",
                "description": "Soup and a chat; help set up and serve.",
                "event_type": "food-and-mutual-aid",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2, minutes=30)).isoformat(),
                "postcode": "M1 1AE",
                "venue_name": "Riverside hall",
                "address_lines": ["1 Mill Lane"],
                "town": "Manchester",
                "organiser_name": "Sam Patel",
                "places": 2,
                "organiser_email": "sam@riverside.example.org",
            },
        )
        assert listed.status_code in (200, 201, 202), listed.text
    approved = ListingApproved(
        producer="tests",
        correlation_id="my-together",
        data=ListingDecisionData(event_id=uuid.UUID(listed.json()["id"])),
    )

    async def proposed() -> bool:
        # matching may hear the approval before the volunteer's confirmation: approve until the
        # proposal is made (a repeated approval of a published listing changes nothing)
        await publish_event(rabbitmq_url, approved)
        return any(
            e["type"] == "match.proposed" and e["data"]["person_id"] == person_id
            for e in probe.events
        )

    await eventually(proposed, what="match.proposed", timeout=30)
    return email, person_id


async def look(page: Page, name: str) -> None:
    await page.screenshot(path=str(SHOTS / f"my-together-{name}.png"), full_page=True)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= (page.viewport_size or PHONE)["width"], f"{name} scrolls sideways"


async def test_sign_in_by_link_see_my_details_and_accept_an_invitation_on_my_events(
    services: tuple[ServiceProcess, ServiceProcess],
    probe: EventProbe,
    browser: Browser,
    rabbitmq_url: str,
) -> None:
    signups, matching = services
    email, person_id = await invited_volunteer(signups, matching, probe, rabbitmq_url)
    context = await browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    page = await context.new_page()

    await page.goto(f"{matching.url}/my/events")
    await page.get_by_role("link", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to My together")
    await page.get_by_label("Email address or mobile number").fill(email)
    await page.get_by_role("button", name="Send me a sign-in link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    link = (await one(probe, "person.sign_in_requested", person_id))["data"]["sign_in_url"]
    assert urlsplit(link).netloc == urlsplit(signups.url).netloc
    await page.goto(link)
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await page.get_by_role("button", name="Sign in").click()

    await page.wait_for_url(f"{matching.url}/my/events")
    await expect(page.get_by_role("heading", name="Community lunch")).to_be_visible()
    await expect(page.get_by_text("Why we thought of you:")).to_be_visible()
    await expect(page.get_by_text("You like: Food and mutual aid")).to_be_visible()
    await expect(page.get_by_text(", 12:00 to 14:30").first).to_be_visible()
    await look(page, "invitation-390")

    await page.get_by_role("button", name="Yes, I can come").click()
    await expect(page.get_by_text("You have a place. The organiser expects you.")).to_be_visible()
    await expect(page.get_by_text("M1 1AE")).to_be_visible()
    await expect(page.get_by_role("link", name="sam@riverside.example.org")).to_be_visible()
    await expect(page.get_by_role("button", name="I can no longer come")).to_be_visible()
    await look(page, "place-390")

    await page.get_by_role("link", name="My details and consents").click()
    await page.wait_for_url(f"{signups.url}/my")
    await expect(page.get_by_text(f"Signed in as {email}.")).to_be_visible()
    await expect(page.get_by_role("definition").filter(has_text="Ann Jones")).to_be_visible()
    await look(page, "details-390")

    await page.set_viewport_size(WIDE)
    await look(page, "details-1280")
    await page.goto(f"{matching.url}/my/events")
    await look(page, "events-1280")

    await page.set_viewport_size(PHONE)
    await page.goto(f"{signups.url}/my")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_text("You have signed out.")).to_be_visible()
    await page.goto(f"{matching.url}/my/events")
    await expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    await context.close()
