"""talk/together in a real Chromium (issue 21): a participant adds a statement, a lead approves
it in the moderator UI, three participants vote on it by keyboard (one on a phone's screen, one
in Welsh) and the results page shows it among what unites us. Screenshots go to var/screens/."""

from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from .conftest import ADMIN_KEY, LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in
from .test_moderator_item_page import WIDER_THAN_THE_SCREEN

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[4] / "var" / "screens"
SEEDS = ["Neighbours checking on each other should carry on.", "Key workers deserve thanks."]
OURS = "The library should open on Sundays."


async def open_conversation(service: Service) -> str:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"{service.url}/api/v1/talk",
            json={"question": "What would bring your community closer?", "seeds": SEEDS},
            headers={"X-API-Key": ADMIN_KEY},
        )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def vote_by_keyboard(page: Page, button: str, statements: int) -> None:
    """Vote on every statement shown, one after another, with Tab and Enter only."""
    for _ in range(statements):
        await expect(page.locator(".statement blockquote")).to_be_visible()
        await page.locator("body").focus()
        for _ in range(60):
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.textContent.trim()") == button:
                break
        else:
            raise AssertionError(f"no {button} button reached by keyboard")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")


async def test_a_statement_is_added_approved_voted_on_and_shown_in_the_results(
    service: Service, browser: Browser
) -> None:
    conversation = await open_conversation(service)
    url = f"{service.url}/talk/{conversation}"

    author = await (await browser.new_context(locale="en-GB")).new_page()
    await author.goto(f"{service.url}/talk")
    await author.get_by_role("link", name="What would bring your community closer?").click()
    await author.get_by_label("Add your own statement").fill(OURS)
    await author.get_by_role("button", name="Send statement").click()
    await expect(author.get_by_role("status")).to_contain_text("A moderator will read")

    lead = await (await browser.new_context(locale="en-GB")).new_page()
    await sign_in(lead, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await lead.get_by_role("link", name="What would bring your community closer?").click()
    await expect(lead.locator("main")).to_contain_text(OURS)
    await lead.get_by_role("button", name="Work on this item").click()
    await lead.get_by_role("button", name="Approve as sent").click()
    await expect(lead.locator(".flash")).to_have_text("Approved: the item is published.")

    SCREENS.mkdir(parents=True, exist_ok=True)
    voters = [
        ("en-GB", 1280, "", "Agree"),
        ("en-GB", 390, "", "Agree"),
        ("cy", 390, "?lang=cy", "Cytuno"),
    ]
    for number, (locale, width, query, agree) in enumerate(voters):
        context = await browser.new_context(locale=locale, viewport={"width": width, "height": 844})
        page = await context.new_page()
        await page.goto(url + query)
        if number == 2:
            await expect(page.get_by_role("heading", name="Ydych chi'n cytuno?")).to_be_visible()
        await page.screenshot(path=SCREENS / f"talk-vote-{locale}-{width}.png", full_page=True)
        assert await page.evaluate(WIDER_THAN_THE_SCREEN) == []
        await vote_by_keyboard(page, agree, statements=3)
        await expect(page.locator(".statement blockquote")).to_have_count(0)
        await context.close()

    async with httpx.AsyncClient(timeout=60) as client:
        ran = await client.post(
            f"{service.url}/api/v1/talk/{conversation}/analysis", headers={"X-API-Key": ADMIN_KEY}
        )
    assert ran.status_code == 200, ran.text
    assert ran.json()["participants"] == 3

    for locale, width in (("en-GB", 1280), ("cy", 390)):
        context = await browser.new_context(locale=locale, viewport={"width": width, "height": 844})
        page = await context.new_page()
        await page.goto(f"{url}/results" + ("?lang=cy" if locale == "cy" else ""))
        heading = "Beth sy'n ein huno" if locale == "cy" else "What unites us"
        await expect(page.get_by_role("heading", name=heading)).to_be_visible()
        await expect(
            page.locator("figure.standing figcaption").filter(has_text=OURS)
        ).to_be_visible()
        await expect(page.locator("svg.opinion-map circle")).to_have_count(3)
        await page.screenshot(path=SCREENS / f"talk-results-{locale}-{width}.png", full_page=True)
        assert await page.evaluate(WIDER_THAN_THE_SCREEN) == []
        await context.close()
