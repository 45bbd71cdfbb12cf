"""A lead moderates in a real Chromium: the queue, an approval with a redaction, a rejection with a
reason, the public page; live updates; a second moderator meets a claim (claimed with a button,
never by opening the page); CSP holds."""

import re

import pytest
from playwright.async_api import Browser, Page, expect

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in

pytestmark = pytest.mark.browser


def record_policy_violations(page: Page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


async def test_a_lead_approves_with_a_redaction_and_rejects_with_a_reason(
    service: Service, page: Page
) -> None:
    violations = record_policy_violations(page)
    kept = await service.share(
        title="Soup on the doorsteps", text="We left soup out. Ring me on 07700 900123 to help."
    )
    dropped = await service.share(title="Cheap watches", text="Buy cheap watches at our shop.")

    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    await expect(page.locator("#queue-list tbody tr")).to_have_count(2)

    await page.get_by_role("link", name="Soup on the doorsteps").click()
    await expect(page.locator("mark.flag-personal-data")).to_have_text("07700 900123")
    await page.get_by_role("button", name="Work on this item").click()
    await expect(page.locator(".claim-mine")).to_contain_text("You are working on this until")
    text = page.get_by_label("Text to publish")
    assert "07700 900123" not in await text.input_value()
    await text.fill("We left soup out. Ring the community centre to help.")
    await page.get_by_role("button", name="Approve with these edits").click()
    await expect(page.locator(".flash")).to_have_text("Approved: the item is published.")

    await page.get_by_role("link", name="Cheap watches").click()
    await page.get_by_role("button", name="Work on this item").click()
    await page.get_by_label("Reason").first.select_option("commercial")
    await page.get_by_label("Note (kept internal)").fill("an advert")
    await page.get_by_role("button", name="Reject", exact=True).click()
    await expect(page.locator(".flash")).to_have_text("Rejected.")
    await expect(page.locator("#queue-list tbody tr")).to_have_count(0)

    await page.goto(f"{service.url}/stories")
    await expect(page.locator(f"#story-{kept}")).to_contain_text("Ring the community centre")
    await expect(page.locator(f"#story-{dropped}")).to_have_count(0)
    assert "07700 900123" not in await page.content()
    assert violations == []


async def test_the_queue_updates_itself_and_keyboard_shortcuts_work(
    service: Service, page: Page
) -> None:
    violations = record_policy_violations(page)
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await expect(page.locator("#queue-list")).to_contain_text("Nothing is waiting here.")

    story = await service.share(title="Arrived while watching")

    await expect(page.locator(f'tr[data-id="{story}"]')).to_be_visible(timeout=12_000)
    await page.get_by_role("link", name="Arrived while watching").click()
    await page.get_by_role("button", name="Work on this item").click()
    await expect(page.locator("#approve")).to_be_visible()
    await page.wait_for_load_state("load")
    await page.keyboard.press("a")
    await expect(page.locator(".flash")).to_have_text("Approved: the item is published.")
    assert violations == []


async def test_a_second_moderator_is_told_who_holds_an_item(
    service: Service, browser: Browser, page: Page
) -> None:
    story = await service.share(title="Held by Lena")
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await page.get_by_role("link", name="Moderators").click()
    await page.get_by_label("Email address").fill("bob@example.org")
    await page.get_by_label("Display name").fill("Bob")
    await page.get_by_role("button", name="Add moderator").click()
    temporary = await page.locator("#temporary-password").inner_text()
    await page.goto(f"{service.url}/moderation/items/{story}")
    await page.get_by_role("button", name="Work on this item").click()
    await expect(page.locator(".claim-mine")).to_be_visible()

    bob = await (await browser.new_context(locale="en-GB")).new_page()
    await sign_in(bob, service.url, "bob@example.org", temporary)
    await expect(bob).to_have_url(re.compile(r"/moderation/password$"))
    await bob.get_by_label("Current password").fill(temporary)
    await bob.get_by_label("New password", exact=True).fill("bob's own passphrase")
    await bob.get_by_label("New password again").fill("bob's own passphrase")
    await bob.get_by_role("button", name="Change password").click()
    await expect(bob.locator(".flash")).to_have_text("Your password is changed.")

    await bob.goto(f"{service.url}/moderation/items/{story}")

    await expect(bob.locator("#claim-conflict")).to_contain_text(
        re.compile(r"Lena is working on this until \d\d:\d\d (GMT|BST)\.")
    )
    await expect(bob.get_by_role("button", name="Approve as sent")).to_have_count(0)
