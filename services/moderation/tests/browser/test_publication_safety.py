"""Publication safety in a real Chromium: the a shortcut never publishes an item flagged as
personal data, the override form does (with its reason), a moderator opening a held item gets
the 403 page, a lead takes a story down, and the author withdraws theirs with the emailed link."""

import re
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from together_kit.testing.probe import event_probe

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in

pytestmark = pytest.mark.browser

PHONE = "07700 900123"


async def published(service: Service, story: str) -> bool:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{service.url}/api/v1/stories/{story}")
    return response.status_code == 200


async def add_moderator(page: Page, browser: Browser, service: Service, name: str) -> Page:
    """The signed-in lead adds an ordinary moderator, who signs in in a browser of their own."""
    email = f"{name.lower()}@example.org"
    await page.goto(f"{service.url}/moderation/moderators")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Display name").fill(name)
    await page.get_by_role("button", name="Add moderator").click()
    temporary = await page.locator("#temporary-password").inner_text()
    other = await (await browser.new_context(locale="en-GB")).new_page()
    await sign_in(other, service.url, email, temporary)
    await expect(other).to_have_url(re.compile(r"/moderation/password$"))
    await other.get_by_label("Current password").fill(temporary)
    await other.get_by_label("New password", exact=True).fill(f"{name}'s own passphrase")
    await other.get_by_label("New password again").fill(f"{name}'s own passphrase")
    await other.get_by_role("button", name="Change password").click()
    await expect(other.locator(".flash")).to_have_text("Your password is changed.")
    return other


async def test_the_a_shortcut_never_publishes_a_flagged_item_and_the_override_does(
    service: Service, page: Page
) -> None:
    story = await service.share(title="Soup line", text=f"Ring me on {PHONE} for soup.")
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await page.get_by_role("link", name="Soup line").click()
    await page.get_by_role("button", name="Work on this item").click()
    await expect(page.locator(".claim-mine")).to_be_visible()
    await expect(page.get_by_role("button", name="Approve as sent", exact=True)).to_have_count(0)
    await page.wait_for_load_state("load")

    await page.keyboard.press("a")

    await expect(page.get_by_label("Text to publish")).to_be_focused()
    await expect(page.locator(".flash")).to_have_count(0)
    assert not await published(service, story)

    await page.get_by_label("Why publish it as sent").fill("It is the food bank's public line.")
    await page.get_by_role("button", name="Approve as sent (override)").click()
    await expect(page.locator(".flash")).to_have_text("Approved: the item is published.")
    assert await published(service, story)
    await page.goto(f"{service.url}/moderation/items/{story}")
    await expect(page.locator("table.audit")).to_contain_text("approve-despite-personal-data")
    await expect(page.locator("table.audit")).to_contain_text("the food bank's public line")


async def test_an_override_without_a_reason_is_not_sent(service: Service, page: Page) -> None:
    story = await service.share(title="Call us", text=f"Call {PHONE} any time.")
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await page.goto(f"{service.url}/moderation/items/{story}")
    await page.get_by_role("button", name="Work on this item").click()

    await page.get_by_role("button", name="Approve as sent (override)").click()

    reason = page.get_by_label("Why publish it as sent")
    assert await reason.evaluate("field => field.validity.valueMissing")
    assert not await published(service, story)


async def test_a_moderator_opening_a_held_item_gets_the_403_page(
    service: Service, browser: Browser, page: Page
) -> None:
    held = await service.share(title="Held one", text="I want to end my life.")
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    bob = await add_moderator(page, browser, service, "Bob")

    response = await bob.goto(f"{service.url}/moderation/items/{held}")

    assert response is not None
    assert response.status == 403
    await expect(bob.get_by_role("heading", level=1)).to_have_text("Not allowed")
    await expect(bob.locator("main")).to_contain_text("for lead moderators only")
    await expect(bob.locator("main")).not_to_contain_text("end my life")
    await page.goto(f"{service.url}/moderation/items/{held}")
    await expect(page.locator("#submission")).to_contain_text("end my life")
    await expect(page.get_by_role("button", name="Work on this item")).to_be_visible()


async def test_a_lead_takes_a_story_down_and_the_author_withdraws_theirs(
    service: Service, page: Page, rabbitmq_url: str
) -> None:
    lead_down = await service.share(title="Taken down by the lead", text="We sang.")
    authors = await service.share(title="Taken down by its author", text="We danced.")
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    async with event_probe(rabbitmq_url, ["story.approved"]) as probe:
        for story in (lead_down, authors):
            await page.goto(f"{service.url}/moderation/items/{story}")
            await page.get_by_role("button", name="Work on this item").click()
            await page.get_by_role("button", name="Approve as sent").click()
            await expect(page.locator(".flash")).to_have_text("Approved: the item is published.")
        approved = await probe.wait_for(2)
    links = {event["data"]["story_id"]: event["data"]["withdraw_url"] for event in approved}

    await page.goto(f"{service.url}/moderation/items/{lead_down}")
    await page.get_by_label("Why withdraw it").fill("A neighbour recognised herself.")
    await page.get_by_role("button", name="Withdraw", exact=True).click()
    await expect(page.locator(".flash")).to_have_text("Withdrawn: the item is no longer published.")
    await expect(page.locator("table.audit")).to_contain_text("A neighbour recognised herself.")

    author = page
    await author.goto(service.url + urlsplit(links[authors]).path)
    await expect(author.get_by_role("heading", level=1)).to_have_text("Withdraw your story")
    await expect(author.locator(f"#story-{authors}")).to_contain_text("We danced.")
    assert await published(service, authors)
    await author.get_by_role("button", name="Withdraw my story").click()
    await expect(author.get_by_role("heading", level=1)).to_have_text("Your story is withdrawn")

    await page.goto(f"{service.url}/stories")
    await expect(page.locator(f"#story-{lead_down}")).to_have_count(0)
    await expect(page.locator(f"#story-{authors}")).to_have_count(0)
    assert not await published(service, lead_down)
    assert not await published(service, authors)
