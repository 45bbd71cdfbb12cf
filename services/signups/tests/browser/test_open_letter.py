"""The open letter in a real Chromium: signups and notifications running as processes on the real
broker and store, email going to the local SMTP sink of `make run`. A person co-signs, opens the
confirmation email, follows its link, presses its button and sees the count for their nation rise
and their name on the list. Screenshots of the page at 1280 and 390 px go to var/screens/."""

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect
from together_kit.dev.mailsink import MailSink
from together_kit.dev.stack import free_port
from together_kit.testing.browser import DESKTOP, PHONE, require_chromium
from together_kit.testing.processes import ServiceProcess
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[4] / "var" / "screens"

require_chromium()


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[MailSink]:
    mail = MailSink(folder=tmp_path / "mail", smtp_port=free_port())
    mail.start()
    try:
        yield mail
    finally:
        mail.stop()


@pytest.fixture
def signups(
    rabbitmq_url: str, mongodb_url: str, database_name: str, tmp_path: Path, sink: MailSink
) -> Iterator[ServiceProcess]:
    common = {"RABBITMQ_URL": rabbitmq_url, "MONGODB_URL": mongodb_url}
    signups = ServiceProcess("signups", env=dict(common), log_dir=tmp_path)
    notifications = ServiceProcess("notifications", env=dict(common), log_dir=tmp_path)
    signups.env |= {
        "SIGNUPS_PUBLIC_BASE_URL": signups.url,
        "SIGNUPS_MONGODB_DATABASE": database_name,
        "SIGNUPS_JOIN_RATE_LIMIT": "1000/minute",
        "SIGNUPS_OUTBOX_POLL_SECONDS": "0.2",
    }
    notifications.env |= {
        "SIGNUPS_PUBLIC_BASE_URL": signups.url,
        "NOTIFICATIONS_MONGODB_DATABASE": database_name + "n",
        "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
        "NOTIFICATIONS_SMTP_PORT": str(sink.smtp_port),
        "NOTIFICATIONS_HANDOVER_JOURNAL_PATH": str(tmp_path / "journal"),
        "NOTIFICATIONS_DISPATCH_POLL_SECONDS": "0.2",
    }
    started = [signups.start(), notifications.start()]
    try:
        for service in started:
            service.wait_ready()
        yield signups
    finally:
        for service in started:
            service.stop()


def wales(page: Page) -> Locator:
    """The figure of Wales among the counts by nation."""
    return page.locator("#letter-counts li", has_text="Wales").locator("strong")


async def confirmation_link(sink: MailSink, address: str, start: str) -> str:
    async def sent() -> list[str]:
        found = []
        for message in list(sink.messages):
            if address in str(message["To"]):
                body = message.get_body(preferencelist=("plain",))
                found += re.findall(
                    rf"{re.escape(start)}\S+", str(body.get_content() if body else "")
                )
        return found

    [link] = await eventually(sent, what=f"the confirmation email to {address}", timeout=30)
    return link


async def test_a_person_co_signs_confirms_by_email_and_the_count_rises(
    signups: ServiceProcess, sink: MailSink, browser: Browser
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    wide = await (await browser.new_context(viewport=DESKTOP, locale="en-GB")).new_page()
    await wide.goto(f"{signups.url}/letter")
    await expect(wide.get_by_role("heading", level=1)).to_have_text(
        "An open letter for a Decade of Reconnection"
    )
    await wide.screenshot(path=str(SCREENS / "letter-1280.png"), full_page=True)

    page = await (await browser.new_context(viewport=PHONE, locale="en-GB")).new_page()
    await page.goto(f"{signups.url}/letter")
    before = int(await wales(page).inner_text())
    name = f"Nia Evans {uuid.uuid4().hex[:4]}"
    address = f"nia.{uuid.uuid4().hex[:8]}@example.org"
    await page.get_by_label("As a person").check()
    await page.get_by_label("Your name, or your organisation's name").fill(name)
    await page.get_by_label("Town (optional)").fill("Aberystwyth")
    await page.get_by_label("Email address").fill(address)
    await page.get_by_label("Wales").check()
    await page.get_by_label("Show my name and town on the public list").check()
    await page.screenshot(path=str(SCREENS / "letter-390.png"), full_page=True)
    await page.get_by_role("button", name="Sign the letter").click()

    await page.wait_for_url(f"{signups.url}/letter/thanks")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    await page.goto(await confirmation_link(sink, address, f"{signups.url}/confirm/"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your signature")
    await expect(page.get_by_text(name)).to_be_visible()
    await page.screenshot(path=str(SCREENS / "letter-confirm-390.png"), full_page=True)
    await page.get_by_role("button", name="Confirm my signature").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your email address is confirmed"
    )
    await page.get_by_role("link", name="See the letter and its signatures").click()

    await expect(wales(page)).to_have_text(str(before + 1))
    await expect(page.locator("#signatories")).to_contain_text(f"{name}, Aberystwyth")
    await expect(page.locator("#signatories")).not_to_contain_text(address)
    await page.screenshot(path=str(SCREENS / "letter-signed-390.png"), full_page=True)
