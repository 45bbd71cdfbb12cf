"""A staff member's journey in a real Chromium at a phone's width, by keyboard: a lead adds them
under Moderators; they sign in with two factors, land on /moderation/assisted (never the queue),
are handed to signups with a staff pass, and enter a story told on a phone call: the form's
errors first, then the story in the queue, marked as entered by them. Screenshots go to
var/screens/."""

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from moderation.settings import Settings
from playwright.async_api import Browser, Page, Route, expect
from together_kit.staff_pass import DEVELOPMENT_STAFF_PASS_SECRET, read_pass
from together_kit.testing.tags import unique_tag

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in
from .test_moderator_item_page import SCREENS, WIDER_THAN_THE_SCREEN

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SIGNUPS_START = Settings().addresses().signups.rstrip("/") + "/assisted/start"
"""Where moderation sends a staff member (`SIGNUPS_PUBLIC_BASE_URL`, read as the service reads
it); the test answers it in the browser, so no signups is needed."""


async def add_staff(page: Page, service: Service, email: str) -> str:
    """The signed-in lead adds a staff member; returns their temporary password."""
    await page.get_by_role("link", name="Moderators").click()
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Display name").fill("Siân Roberts")
    await page.get_by_label("Role", exact=True).select_option("staff")
    await page.get_by_role("button", name="Add moderator").click()
    return await page.locator("#temporary-password").inner_text()


async def tab_to(page: Page, selector: str, *, most: int = 40) -> None:
    """Press Tab until the element `selector` has the focus (as a keyboard user reaches it)."""
    target = page.locator(selector)
    for _ in range(most):
        await page.keyboard.press("Tab")
        if await target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def test_a_staff_member_enters_a_story_told_on_a_phone_call(
    service: Service, browser: Browser
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    tag = unique_tag()
    email = f"sian.{tag}@example.org"
    lead = await (await browser.new_context(locale="en-GB")).new_page()
    await sign_in(lead, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    temporary = await add_staff(lead, service, email)

    context = await browser.new_context(locale="en-GB", viewport=PHONE)
    page = await context.new_page()
    await sign_in(page, service.url, email, temporary)
    await expect(page).to_have_url(re.compile(r"/moderation/password$"))
    await page.get_by_label("Current password").fill(temporary)
    await page.get_by_label("New password", exact=True).fill("Siân's own passphrase")
    await page.get_by_label("New password again").fill("Siân's own passphrase")
    await page.get_by_label("New password again").press("Enter")
    await expect(page).to_have_url(re.compile(r"/moderation/assisted$"))
    await expect(page.get_by_role("link", name="Queue")).to_have_count(0)
    await page.goto(f"{service.url}/moderation")
    await expect(page).to_have_url(re.compile(r"/moderation/assisted$"))
    await page.screenshot(path=SCREENS / "assisted-en-GB-390.png", full_page=True)
    assert await page.evaluate(WIDER_THAN_THE_SCREEN) == []

    handed: list[str] = []

    async def signups(route: Route) -> None:
        handed.append(route.request.url)
        await route.fulfill(status=200, content_type="text/html", body="<h1>signups</h1>")

    await page.route(SIGNUPS_START + "*", signups)
    await tab_to(page, "#sign-up")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="signups")).to_be_visible()
    [url] = handed
    staff = read_pass(DEVELOPMENT_STAFF_PASS_SECRET, parse_qs(urlsplit(url).query)["pass"][0])
    assert (staff.name, staff.role) == ("Siân Roberts", "staff")
    await page.go_back()

    await page.goto(f"{service.url}/moderation/assisted")
    await tab_to(page, "#enter-story")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name=re.compile("Enter a story"))).to_be_visible()
    await tab_to(page, "#came-phone-call")
    await page.keyboard.press("Space")
    await tab_to(page, "#field-prompt")
    await page.keyboard.press("ArrowDown")
    await tab_to(page, "#field-text")
    await page.keyboard.type(f"Every Friday {tag} my neighbour brought bread and stayed to talk.")
    await tab_to(page, "#field-region")
    await page.keyboard.type("LL57")
    await tab_to(page, "#enter")
    await page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    await expect(summary).to_contain_text("Tick this only once the person has agreed")
    await expect(summary).to_contain_text("Ticiwch hwn")
    await expect(page.locator("#field-text")).to_have_value(re.compile(tag))
    await page.screenshot(path=SCREENS / "assisted-story-errors-en-GB-390.png", full_page=True)
    assert await page.evaluate(WIDER_THAN_THE_SCREEN) == []

    await page.locator("#field-agreed").focus()
    await page.keyboard.press("Space")
    await tab_to(page, "#enter")
    await page.keyboard.press("Enter")
    await expect(page.locator(".flash")).to_contain_text("The story is in the queue")
    await page.screenshot(path=SCREENS / "assisted-story-entered-en-GB-390.png", full_page=True)
    await context.close()

    await lead.goto(f"{service.url}/moderation")
    await lead.get_by_role("link", name=re.compile(f"Every Friday {tag}")).click()
    await expect(lead.locator("#entered-by")).to_contain_text(
        "Entered by Siân Roberts (staff) from a phone call"
    )
    await lead.screenshot(path=SCREENS / "assisted-story-item-en-GB.png", full_page=True)
    async with httpx.AsyncClient(timeout=10) as client:
        published = await client.get(f"{service.url}/api/v1/stories")
    assert tag not in published.text
