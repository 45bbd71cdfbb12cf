"""talk/together in a real Chromium (issue 21): a lead opens a conversation and invites a host in
the moderator UI; the host records a conversation held in a room on a phone; a participant adds
a statement, the lead approves it, three participants vote on it by keyboard (one on a phone's
screen, one in Welsh), the lead finds the results and the results page shows it among what
unites us. Screenshots go to var/screens/."""

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in
from .test_moderator_item_page import WIDER_THAN_THE_SCREEN

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[4] / "var" / "screens"
SEEDS = ["Neighbours checking on each other should carry on.", "Key workers deserve thanks."]
OURS = "The library should open on Sundays."
QUESTION = "What would bring your community closer?"


async def open_conversation(lead: Page) -> str:
    """The lead opens it in the moderator UI, after a first try the form refuses."""
    await lead.get_by_role("link", name="Conversations").click()
    await lead.get_by_label("First statements (optional)").fill("\n".join(SEEDS))
    await lead.get_by_role("button", name="Open the conversation").click()
    await expect(lead.locator("#error-summary")).to_contain_text("Enter the question")
    await expect(lead.get_by_label("First statements (optional)")).to_have_value("\n".join(SEEDS))
    await lead.get_by_label("Question").fill(QUESTION)
    await lead.get_by_role("button", name="Open the conversation").click()
    await expect(lead.locator(".flash")).to_have_text(
        "The conversation is open: its page is public now."
    )
    return lead.url.split("/conversations/")[1].split("?")[0]


async def host_a_room(lead: Page, browser: Browser, service: Service) -> None:
    """The lead invites a host and copies their link; the host records a room on a phone. (The
    link is on the public address the settings name; the test's service has a port of its own.)"""
    await lead.get_by_label("Invite a host").fill("Grangetown Community Centre")
    await lead.get_by_role("button", name="Invite and show their link").click()
    link = await lead.get_by_label("Link for Grangetown Community Centre").input_value()
    await lead.screenshot(path=SCREENS / "talk-lead-conversation-1280.png", full_page=True)

    context = await browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    host = await context.new_page()
    await host.goto(service.url + urlsplit(link).path)
    await host.get_by_label("Where was it held?").fill("Grangetown Community Centre, Cardiff")
    await host.get_by_label("Nation or region (optional)").select_option("Wales")
    await host.get_by_label("When was it held?").fill("2026-11-28")
    await host.get_by_label("How many people took part?").fill("14")
    await host.get_by_label("Statements that came out of it").fill(
        "Bus routes to the village matter.\nThe lunch club brought people back."
    )
    await host.get_by_role("button", name="Record it").click()
    await expect(host.get_by_role("status")).to_contain_text("We have recorded it.")
    await host.screenshot(path=SCREENS / "talk-hosted-en-GB-390.png", full_page=True)
    assert await host.evaluate(WIDER_THAN_THE_SCREEN) == []
    await host.get_by_role("link", name=QUESTION).click()
    await expect(host.locator("main")).to_contain_text("Voices from rooms: 14 people")
    await context.close()


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
    SCREENS.mkdir(parents=True, exist_ok=True)
    lead = await (await browser.new_context(locale="en-GB")).new_page()
    await sign_in(lead, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    conversation = await open_conversation(lead)
    url = f"{service.url}/talk/{conversation}"
    await host_a_room(lead, browser, service)

    author = await (await browser.new_context(locale="en-GB")).new_page()
    await author.goto(f"{service.url}/talk")
    await author.get_by_role("link", name="What would bring your community closer?").click()
    await author.get_by_label("Add your own statement").fill(OURS)
    await author.get_by_role("button", name="Send statement").click()
    await expect(author.get_by_role("status")).to_contain_text("A moderator will read")

    await lead.get_by_role("link", name="Queue").click()
    await expect(lead.locator("#queue-counts")).to_contain_text("3 statements")
    await lead.locator("tr", has_text=OURS).get_by_role("link").click()
    await expect(lead.locator("main")).to_contain_text(OURS)
    await lead.get_by_role("button", name="Work on this item").click()
    await lead.get_by_role("button", name="Approve as sent").click()
    await expect(lead.locator(".flash")).to_have_text("Approved: the item is published.")

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

    await lead.goto(f"{service.url}/moderation/conversations/{conversation}")
    await lead.get_by_role("button", name="Find the results now").click()
    await expect(lead.locator(".flash")).to_have_text(
        "The results are found again from every vote so far."
    )
    async with httpx.AsyncClient(timeout=10) as client:
        results = await client.get(f"{service.url}/api/v1/talk/{conversation}/results")
    assert results.json()["participants"] == 3

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
