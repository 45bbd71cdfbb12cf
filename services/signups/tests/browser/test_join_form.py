"""The join form in a real Chromium, against signups running as a process on the real broker and store."""

import tempfile
import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect
from pymongo import AsyncMongoClient
from together_kit.testing.browser import PHONE, require_chromium
from together_kit.testing.processes import ServiceProcess

pytestmark = pytest.mark.browser

SCREENSHOT = Path(tempfile.gettempdir()) / "join-errors.png"
"""Kept for a person to look at: the error state on a phone-sized screen."""

require_chromium()


@pytest.fixture
async def page(browser: Browser) -> Page:
    context = await browser.new_context(viewport=PHONE, locale="en-GB")
    return await context.new_page()


async def focused_id(page: Page) -> str:
    return str(await page.evaluate("document.activeElement && document.activeElement.id"))


async def test_errors_take_focus_link_to_fields_and_correcting_them_joins(
    signups: ServiceProcess, page: Page, mongodb_url: str, database_name: str
) -> None:
    email = f"ann.{uuid.uuid4().hex[:8]}@example.org"
    await page.goto(f"{signups.url}/join")
    await page.get_by_label("Your name").fill("Ann Jones")
    await page.get_by_label("Email address").fill("ann-at-example")
    await page.get_by_label("Community events").check()

    await page.get_by_role("button", name="Join", exact=True).click()

    summary = page.locator("#error-summary")
    await expect(summary).to_be_visible()
    await page.wait_for_function("document.activeElement.id === 'error-summary'")
    await expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter your email address in the correct format, like name@example.com",
            "Enter your postcode",
        ]
    )
    await expect(page.get_by_label("Email address")).to_have_value("ann-at-example")
    await expect(page.get_by_label("Community events")).to_be_checked()
    await page.screenshot(path=str(SCREENSHOT), full_page=True)

    await summary.get_by_role("link", name="Enter your email address").click()

    await page.wait_for_function("document.activeElement.id === 'field-email'")
    assert await focused_id(page) == "field-email"

    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Postcode").fill("sw1a 1aa")
    await page.get_by_role("button", name="Join", exact=True).click()

    await page.wait_for_url(f"{signups.url}/join/thanks")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for joining")
    store: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_url)
    try:
        person = await store[database_name]["people"].find_one({"email": email})
    finally:
        await store.close()
    assert person is not None
    assert person["postcode"] == "SW1A 1AA"
    assert person["interests"] == ["community-events"]
