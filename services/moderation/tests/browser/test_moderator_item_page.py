"""The moderator's item page in a real browser at a desk's width and a phone's: three decisions
that look different, reasons chosen on purpose, nothing wider than the screen. Screenshots go
to var/screens/ (not committed) to be looked at."""

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in

pytestmark = pytest.mark.browser

WIDER_THAN_THE_SCREEN = """[...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""))"""
SCREENS = Path(__file__).resolve().parents[4] / "var" / "screens"


@pytest.mark.parametrize("width", [1280, 390])
async def test_the_item_page_at_a_desk_and_on_a_phone(
    service: Service, browser: Browser, width: int
) -> None:
    await service.share(
        title="The street choir",
        prompt="lockdown",
        language="cy",
        text="Bob wythnos roedden ni'n canu o stepen y drws. Erbyn mis Mehefin roedden ni'n "
        "gwybod enw pob cymydog.\n\nA dyna sut y dechreuodd y côr.",
    )
    context = await browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
    page = await context.new_page()
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await expect(page.locator(".queue-preview")).to_contain_text("Bob wythnos roedden")
    assert await page.evaluate(WIDER_THAN_THE_SCREEN) == []
    SCREENS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENS / f"moderation-queue-{width}.png", full_page=True)

    await page.get_by_role("link", name="The street choir").click()
    await page.get_by_role("button", name="Work on this item").click()
    await expect(page.locator(".details")).to_contain_text("How was lockdown for you?")
    await expect(page.locator(".details")).to_contain_text("Welsh")
    await expect(page.locator("#field-reason")).to_have_value("")
    await expect(page.locator("#field-escalate-reason")).to_have_value("")

    colours = {
        name: await page.locator(f"#{name}").evaluate("b => getComputedStyle(b).backgroundColor")
        for name in ("approve", "reject", "escalate")
    }
    assert len(set(colours.values())) == 3, colours
    wider = await page.evaluate(WIDER_THAN_THE_SCREEN)
    assert wider == [], f"wider than the screen: {wider}"
    await page.screenshot(path=SCREENS / f"moderation-item-{width}.png", full_page=True)

    await page.get_by_role("button", name="Reject", exact=True).click()
    await expect(page.locator("#field-reason")).to_be_focused()
    await context.close()
