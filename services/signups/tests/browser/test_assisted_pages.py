"""The assisted pages in a real Chromium on a phone-sized screen (390 px), JavaScript off as on
the other pages: a staff member's pass opens them, a form with an error takes focus to its
summary, correcting it signs a mobile-only volunteer up, and the confirmation letter prints
without the site's navigation."""

import tempfile
import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect
from together_kit.staff_pass import DEVELOPMENT_STAFF_PASS_SECRET, StaffPass, issue_pass
from together_kit.testing.browser import PHONE, require_chromium
from together_kit.testing.phones import drama_mobile
from together_kit.testing.processes import ServiceProcess

pytestmark = pytest.mark.browser

SCREENSHOT = Path(tempfile.gettempdir()) / "assisted-letter.png"
"""Kept for a person to look at: the letter as printed."""

require_chromium()


@pytest.fixture
async def page(browser: Browser) -> Page:
    context = await browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    return await context.new_page()


async def fits_the_screen(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


async def test_staff_sign_up_a_mobile_only_volunteer_and_print_the_letter(
    signups: ServiceProcess, page: Page
) -> None:
    staff = StaffPass(uuid.uuid4(), "Siân Roberts", "staff")
    token = issue_pass(DEVELOPMENT_STAFF_PASS_SECRET, staff)
    await page.goto(f"{signups.url}/assisted/start?pass={token}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Assisted sign-up")
    await fits_the_screen(page)

    await page.get_by_role("link", name="Sign up a volunteer").click()
    await page.get_by_label("Their name").fill("Gwen Harries")
    await page.get_by_label("Phone number (optional)").fill(drama_mobile().national)
    await page.get_by_label("Postcode").fill("cf10 1aa")
    await page.get_by_label("On a paper form").check()
    await page.get_by_role("button", name="Sign them up").click()

    summary = page.locator("#error-summary")
    await expect(summary.get_by_role("link")).to_have_text(
        ["Confirm that the person agreed to what is ticked"]
    )
    await fits_the_screen(page)
    await page.get_by_label("The person agreed to everything ticked above").check()
    await page.get_by_role("button", name="Sign them up").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Dear Gwen Harries,")
    await fits_the_screen(page)
    await page.emulate_media(media="print")
    await expect(page.locator(".site-header")).to_be_hidden()
    await expect(page.locator(".staff-bar")).to_be_hidden()
    await expect(page.get_by_text("Text STOP to our number")).to_be_visible()
    await page.screenshot(path=str(SCREENSHOT), full_page=True)
