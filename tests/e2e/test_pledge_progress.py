"""Pledges with progress (issue 22, point 5) across signups, moderation and notifications as real
processes, the organisation's side in Chromium: an organisation pledges for two districts and
confirms; once a moderator approves the pledge its contact is emailed the signed progress link;
through it (an empty update first: the inline error) they post progress, which is not on the
pledge's page until a moderator approves it, and then is, and /pledges counts the pledge as
having reported progress this year. Screenshots of the form and the pledge's page at 1280 and
390 pixels wide go to var/screens/."""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect
from together_kit.testing.browser import chromium, require_chromium
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import System
from .test_journeys import (
    STEP,
    UUID_PATTERN,
    approve_redacted,
    claimed,
    item_in_queue,
    link,
    mail_to,
    moderator,
    plain_text,
)
from .test_pledges import pledge_and_confirm, pledges_page, start

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(300)]

require_chromium()

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
WIDE, PHONE = 1280, 390
UPDATE = "Our first six lunches fed 240 neighbours, and eleven of them now cook with us."


async def look(page: Page, name: str) -> None:
    """Screenshots at both widths, and never a page wider than a phone."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (WIDE, PHONE):
        await page.set_viewport_size({"width": width, "height": 900})
        scrolled = await page.evaluate("document.documentElement.scrollWidth")
        assert scrolled <= width, f"{name} scrolls sideways at {width}px ({scrolled}px)"
        await page.screenshot(path=SCREENS / f"{name}-{width}.png", full_page=True)
    await page.set_viewport_size({"width": WIDE, "height": 900})


async def approve(desk: httpx.AsyncClient, title: str) -> None:
    item_id = await item_in_queue(desk, title)
    item = await claimed(desk, item_id)
    approved = await approve_redacted(desk, item_id, item)
    assert approved.status_code == 303, approved.text


async def test_an_organisation_posts_progress_through_its_link_shown_once_approved(
    system: System, mail_sink: Any
) -> None:
    await start(system, mail_sink)
    tag = unique_tag()
    name, email = f"Riverside Kitchen {tag}", f"sam-{tag}@example.org"
    async with httpx.AsyncClient(base_url=system.url("signups"), timeout=30) as public:
        await pledge_and_confirm(
            system,
            mail_sink,
            public,
            name=name,
            email=email,
            pledge="A monthly lunch open to everyone.",
            districts="m1, M4",
        )
        async with moderator(system) as desk:
            await approve(desk, name)
            told = await mail_to(mail_sink, email, "Post progress on your pledge")
            text = plain_text(told)
            progress_url = link(text, f"{system.url('signups')}/pledges/progress/")
            found = re.search(rf"{re.escape(system.url('signups'))}/pledges/{UUID_PATTERN}", text)
            assert found, text
            pledge_url = found.group(0)

            async with chromium() as browser:
                context = await browser.new_context(
                    locale="en-GB", viewport={"width": WIDE, "height": 900}
                )
                page = await context.new_page()
                await page.goto(pledge_url)
                await expect(page.get_by_role("heading", level=1)).to_have_text(name)
                await expect(page.locator("main")).to_contain_text("M1, M4")
                await expect(page.locator("#progress")).to_contain_text("No progress reported")

                await page.goto(progress_url)
                await expect(page.get_by_role("heading", level=1)).to_have_text(
                    "Post progress on your pledge"
                )
                await page.get_by_role("button", name="Post the update").click()
                await expect(page.locator(".field--error")).to_contain_text(
                    "Enter your progress update"
                )
                await look(page, "pledge-progress-error")
                await page.get_by_label("Your progress update").fill(UPDATE)
                await look(page, "pledge-progress-form")
                await page.get_by_role("button", name="Post the update").click()
                await expect(page.get_by_role("heading", level=1)).to_have_text(
                    "Thank you for your update"
                )
                await page.goto(pledge_url)
                await expect(page.locator("#progress")).not_to_contain_text(UPDATE)

                await approve(desk, name)

                async def shown() -> str:
                    await page.goto(pledge_url)
                    return await page.locator("#progress").inner_text()

                await eventually(
                    shown, until=lambda t: UPDATE in t, timeout=STEP, what="the update shown"
                )
                await look(page, "pledge-page")
                await page.goto(f"{system.url('signups')}/pledges")
                article = page.locator("article.pledge", has_text=name)
                await expect(article).to_contain_text("Reported progress this year")
                await look(page, "pledges-counts")
                await context.close()
        assert name in await pledges_page(public)
