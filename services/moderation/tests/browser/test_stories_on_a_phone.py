"""The public stories pages in a real Chromium at a desk's width and a phone's: a published
story (long words and all) and the share form fit the screen. Screenshots go to var/screens/."""

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in
from .test_moderator_item_page import WIDER_THAN_THE_SCREEN

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[4] / "var" / "screens"
LONG_WORD = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"


async def test_stories_and_the_share_form_fit_a_phone(service: Service, browser: Browser) -> None:
    story = await service.share(
        title=f"The choir of {LONG_WORD}",
        text=f"Every week we sang from the doorstep in {LONG_WORD}.\n\n"
        "By June we knew every neighbour's name, and that is how the choir began.",
    )
    lead = await (await browser.new_context(locale="en-GB")).new_page()
    await sign_in(lead, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await lead.goto(f"{service.url}/moderation/items/{story}")
    await lead.get_by_role("button", name="Work on this item").click()
    await lead.get_by_role("button", name="Approve as sent").click()
    await expect(lead.locator(".flash")).to_have_text("Approved: the item is published.")

    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        context = await browser.new_context(
            locale="en-GB", viewport={"width": width, "height": 900}
        )
        page = await context.new_page()
        await page.goto(f"{service.url}/stories")
        await expect(page.locator(f"#story-{story}")).to_be_visible()
        await page.screenshot(path=SCREENS / f"stories-{width}.png", full_page=True)
        wider = await page.evaluate(WIDER_THAN_THE_SCREEN)
        assert wider == [], f"wider than the screen: {wider}"
        await page.goto(f"{service.url}/share")
        await page.screenshot(path=SCREENS / f"share-{width}.png", full_page=True)
        wider = await page.evaluate(WIDER_THAN_THE_SCREEN)
        assert wider == [], f"wider than the screen: {wider}"
        await context.close()
