"""A story told by phone, end to end in a real browser: moderation runs as a process with its voice
line on, the kit's call simulator plays Twilio (a phrase spoken by espeak-ng where installed), and
a lead in Chromium plays the recording on the item page, corrects the draft and publishes it; the
story is on /stories as text, and the audio is gone."""

import io
import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from moderation.handlers.recordings import recording_item_id
from playwright.async_api import Browser, BrowserContext, expect
from together_kit.dev.callsim import CallSimulator, speech_available, spoken
from together_kit.testing.processes import ServiceProcess, run_module

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, sign_in

pytestmark = pytest.mark.browser

SID = "AC" + "5" * 32
TOKEN = "the-voice-line-token-for-the-browser-test"
TYPED = "Every Thursday the whole street sang from the doorsteps, and that is how the choir began."


@pytest.fixture
async def phone() -> AsyncIterator[CallSimulator]:
    async with CallSimulator(moderation_url="", account_sid=SID, auth_token=TOKEN).serving() as sim:
        yield sim


@pytest.fixture
def voice_service(
    phone: CallSimulator, rabbitmq_url: str, mongodb_url: str, database_name: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    env = {
        "RABBITMQ_URL": rabbitmq_url,
        "MONGODB_URL": mongodb_url,
        "MODERATION_MONGODB_DATABASE": database_name,
        "MODERATION_VOICE_ENABLED": "true",
        "MODERATION_TWILIO_ACCOUNT_SID": SID,
        "MODERATION_TWILIO_AUTH_TOKEN": TOKEN,
        "MODERATION_TWILIO_API_URL": phone.api_url,
    }
    process = ServiceProcess("moderation", env=env, log_dir=tmp_path)
    process.env["MODERATION_PUBLIC_BASE_URL"] = process.url
    process.start()
    try:
        created = run_module(
            "moderation.cli",
            *("create-lead", "--email", LEAD_EMAIL, "--name", "Lena", "--password-stdin"),
            env=env,
            input=LEAD_PASSWORD + "\n",
            timeout=60,
        )
        assert "Created lead moderator Lena" in created.stdout
        process.wait_ready()
        phone.moderation_url = process.url
        yield process
    finally:
        process.stop()


def speech() -> bytes:
    """A phrase spoken by espeak-ng, or else two seconds of a rising tone (no draft then)."""
    if speech_available():
        return spoken("Every Thursday the whole street sang from the doorsteps")
    rate = 8000
    t = np.arange(rate * 2) / rate
    samples = (6000 * np.sin(2 * np.pi * (300 + 100 * t) * t)).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(samples.tobytes())
    return out.getvalue()


async def test_a_call_is_heard_corrected_and_published_as_text(
    voice_service: ServiceProcess, phone: CallSimulator, browser: Browser
) -> None:
    call = await phone.call(speech())
    assert call.answers == [200, 200, 204], call
    item_id = recording_item_id(call.recording_sid)

    context = await browser.new_context(locale="en-GB")
    page = await context.new_page()
    await sign_in(page, voice_service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await page.goto(f"{voice_service.url}/moderation/items/{item_id}")
    await expect(page.locator("h1")).to_have_text("A story told by phone")
    await expect(page.locator(".details")).to_contain_text(
        "Phone (the caller's number is not kept)"
    )
    duration = await page.locator("#recording-audio").evaluate(
        """audio => new Promise((done, failed) => {
             audio.addEventListener("loadedmetadata", () => done(audio.duration));
             audio.addEventListener("error", () => failed(String(audio.error && audio.error.code)));
             audio.load();
           })"""
    )
    assert duration > 1, "Chromium plays the recording (its type and the page's policy allow it)"

    await page.get_by_role("button", name="Work on this item").click()
    await expect(page.get_by_role("button", name="Approve as sent")).to_have_count(0)
    await page.get_by_label("What the caller said").fill("")
    await page.get_by_role("button", name="Approve and publish this text").click()
    await expect(page.locator("#transcript-error")).to_contain_text("Type what the caller said")
    await page.get_by_label("Title to publish").fill("The doorstep choir")
    await page.get_by_label("What the caller said").fill(TYPED)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Approve and publish this text").click()

    await page.goto(f"{voice_service.url}/stories/{item_id}")
    await expect(page.locator("main")).to_contain_text(TYPED)
    await expect(page.locator("audio")).to_have_count(0)
    async with httpx.AsyncClient(cookies=await cookies(context)) as client:
        gone = await client.get(f"{voice_service.url}/moderation/items/{item_id}/recording.wav")
    assert gone.status_code == 404, "the audio is deleted at the decision"
    await context.close()


async def cookies(context: BrowserContext) -> dict[str, str]:
    """The signed-in session, for a request made outside the page."""
    return {c["name"]: c["value"] for c in await context.cookies() if "name" in c and "value" in c}
