"""The first lead (made with the CLI) signs in as a person would in Chromium: the password, then
enrolment of a second factor from the QR code or the key shown as text, recovery codes, and later
sign-ins with a code from the app; the security log shows it all."""

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from .conftest import APPS, LEAD_EMAIL, LEAD_PASSWORD, Service, enrol, sign_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("MODERATION_SCREENSHOTS", "")


async def test_the_first_lead_enrols_and_then_signs_in_with_a_code(
    service: Service, page: Page
) -> None:
    await page.goto(f"{service.url}/moderation/login")
    await page.get_by_label("Email address").fill(LEAD_EMAIL)
    await page.get_by_label("Password").fill(LEAD_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    qr = page.locator("#totp-qr")
    await expect(qr).to_be_visible()
    assert await qr.evaluate("img => img.complete && img.naturalWidth > 100")
    await expect(page.locator("#totp-secret")).to_have_text(
        re.compile(r"^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$")
    )
    if SHOTS:
        await page.screenshot(path=str(Path(SHOTS) / "enrol.png"), full_page=True)
    await page.get_by_label("Code from your app").fill("000000")
    await page.get_by_role("button", name="Turn on the second factor").click()
    await expect(page.locator("#error-summary")).to_contain_text("That code is not right.")

    codes = await enrol(page, service.url, LEAD_EMAIL)

    assert len(set(codes)) == 10
    await expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.locator(".flash")).to_have_text("You are signed out.")

    await page.get_by_label("Email address").fill(LEAD_EMAIL)
    await page.get_by_label("Password").fill(LEAD_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Type the code from your app")
    await page.get_by_label("Code").fill("123456")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.locator("#error-summary")).to_contain_text("That code is not right.")
    await page.get_by_label("Code").fill(APPS[(service.url, LEAD_EMAIL)].next_code())
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Queue")

    await page.get_by_role("link", name="Security log").click()
    log = page.locator("#security-log")
    await expect(log).to_contain_text("second-factor-enrolment")
    await expect(log).to_contain_text("sign-out")
    failures = log.locator("tr", has_text="failure")
    await expect(failures).to_have_count(2)
    await expect(failures.first).to_contain_text("second-factor")
    await expect(failures.last).to_contain_text("second-factor-enrolment")
    if SHOTS:
        await page.screenshot(path=str(Path(SHOTS) / "security-log.png"), full_page=True)


async def test_a_password_alone_opens_nothing_and_a_recovery_code_signs_in(
    service: Service, page: Page
) -> None:
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    await page.context.clear_cookies()

    async def password_only() -> None:
        await page.goto(f"{service.url}/moderation/login")
        await page.get_by_label("Email address").fill(LEAD_EMAIL)
        await page.get_by_label("Password").fill(LEAD_PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page).to_have_url(re.compile(r"/moderation/code$"))

    await password_only()
    for path in ("/moderation", "/moderation/security", "/moderation/moderators"):
        await page.goto(f"{service.url}{path}")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to moderate")
    await password_only()
    code = APPS[(service.url, LEAD_EMAIL)].recovery_codes[0]
    await page.get_by_label("Code").fill(code)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    await page.get_by_role("link", name="Moderators").click()
    await expect(page.locator("table.accounts")).to_contain_text("on (9 recovery codes left)")
