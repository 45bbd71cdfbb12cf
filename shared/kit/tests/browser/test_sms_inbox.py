"""The SMS sink's inbox page in a real Chromium, on a phone and on a desktop: each phone's texts
with their segments, and its "Reply from this phone" form sending a text that notifications'
route answers, the answer shown on the page."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from playwright.async_api import Browser, ViewportSize
from together_kit.dev.smssink import BackgroundServer, SmsSink, listening
from together_kit.testing.browser import DESKTOP, PHONE, require_chromium

pytestmark = pytest.mark.browser
require_chromium()

SCREENS = Path(tempfile.gettempdir())
"""`sms-inbox-390.png` and `sms-inbox-1280.png` are kept for a person to look at."""


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SmsSink]:
    received: list[bytes] = []
    notifications = FastAPI()

    @notifications.post("/sms/{route}")
    async def route(route: str, request: Request) -> Response:
        received.append(await request.body())
        return Response("Thanks: we will text you when it is published.")

    server = BackgroundServer(notifications)
    port = server.start(listening(0))
    sink = SmsSink(folder=tmp_path / "sms", notifications_url=f"http://127.0.0.1:{port}")
    sink.start()
    yield sink
    sink.stop()
    server.stop()


async def text(sink: SmsSink, to: str, body: str) -> None:
    """A text as notifications hands it over (through the Twilio shape: Basic auth only)."""
    url = f"{sink.url}/2010-04-01/Accounts/{sink.twilio_account_sid}/Messages.json"
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            url,
            data={"To": to, "From": sink.number, "Body": body},
            auth=(sink.twilio_account_sid, sink.twilio_auth_token),
        )
    assert answer.status_code == 201


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
async def test_the_inbox_reads_on_a_phone_and_a_desktop_and_replies_reach_notifications(
    browser: Browser, sink: SmsSink, viewport: ViewportSize
) -> None:
    await text(sink, "+447700900123", "Invitation: Litter pick, Sat 10:00. Reply YES 4KQ or NO 4KQ")
    await text(
        sink, "+447700900123", "Gwahoddiad: casglu sbwriel, dydd Sadwrn. Atebwch YDW 4KQ, Tŷ"
    )
    page = await (await browser.new_context(viewport=viewport)).new_page()

    await page.goto(sink.url)
    section = page.locator("#p447700900123")
    await section.get_by_label("Text").fill("STORY The street came out to clap")
    await section.get_by_role("button", name="Send").click()

    await page.wait_for_url(f"{sink.url}/#p447700900123")
    section = page.locator("#p447700900123")
    assert await section.get_by_text("1 segment(s), GSM-7").count() == 1
    assert await section.get_by_text("segment(s), UCS-2").count() == 1
    assert await section.get_by_text("STORY The street came out to clap").count() == 1
    assert await section.get_by_text("notifications answered 200 Thanks").count() == 1
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    await page.screenshot(path=str(SCREENS / f"sms-inbox-{viewport['width']}.png"), full_page=True)
