"""Moderation as a real process on the real broker and store, a lead made as the CLI makes one, and a
Chromium driven by Playwright."""

import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from moderation.cli import create_lead
from moderation.entrypoints.schemas import STORY_EXAMPLE
from moderation.settings import Settings
from playwright.async_api import Browser, Page, expect
from together_kit.testing.browser import require_chromium
from together_kit.testing.processes import ServiceProcess
from together_kit.testing.tags import unique_tag

ADMIN_KEY = "admin-key-for-the-browser-tests"
LEAD_EMAIL = "lena@example.org"
LEAD_PASSWORD = "lena's long passphrase"
STEP = 30


@dataclass
class SecondFactor:
    """What a person's authenticator app knows: the secret, and the last code it gave."""

    secret: str
    last_step: int = 0
    recovery_codes: tuple[str, ...] = ()

    def next_code(self) -> str:
        """The current code, or the next step's (accepted too) if the current one was used."""
        step = max(int(time.time()) // STEP, self.last_step + 1)
        self.last_step = step
        return pyotp.TOTP(self.secret).at(step * STEP)


APPS: dict[tuple[str, str], SecondFactor] = {}
"""Each person's app, by service URL and email, learned when they enrol."""

require_chromium()


@dataclass
class Service:
    process: ServiceProcess

    @property
    def url(self) -> str:
        return self.process.url

    async def share(self, **changes: Any) -> str:
        body = {**STORY_EXAMPLE, "title": f"Story {unique_tag()}", **changes}
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(f"{self.url}/api/v1/stories", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


@pytest.fixture
async def service(
    rabbitmq_url: str, mongodb_url: str, database_name: str, tmp_path: Path
) -> AsyncIterator[Service]:
    env = {
        "RABBITMQ_URL": rabbitmq_url,
        "MONGODB_URL": mongodb_url,
        "MODERATION_MONGODB_DATABASE": database_name,
        "MODERATION_SHARE_RATE_LIMIT": "1000/minute",
        "MODERATION_TALK_RATE_LIMIT": "1000/minute",
        "MODERATION_ADMIN_API_KEY": ADMIN_KEY,
    }
    with pytest.MonkeyPatch.context() as patch:  # the service's settings, read as it reads them
        for name, value in env.items():
            patch.setenv(name, value)
        settings = Settings()
    process = ServiceProcess("moderation", env=env, log_dir=tmp_path).start()
    try:
        # While the service starts: what `python -m moderation.cli create-lead` runs, in this
        # process (the CLI itself is tested in test_moderator_views.py).
        assert await create_lead(LEAD_EMAIL, "Lena", LEAD_PASSWORD, settings=settings) == 0
        process.wait_ready()
        yield Service(process)
    finally:
        process.stop()


@pytest.fixture
async def page(browser: Browser) -> Page:
    context = await browser.new_context(locale="en-GB")
    return await context.new_page()


async def sign_in(page: Page, url: str, email: str, password: str) -> None:
    """Sign in as a person would: the password, then enrol a second factor (first time) or type
    the code the app shows. A wrong password leaves the page on the sign-in form."""
    await page.goto(f"{url}/moderation/login")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(password)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Sign in").click()
    if page.url.endswith("/moderation/enrol"):
        await enrol(page, url, email)
    elif page.url.endswith("/moderation/code"):
        await page.get_by_label("Code").fill(APPS[(url, email)].next_code())
        async with page.expect_navigation():
            await page.get_by_role("button", name="Continue").click()


async def enrol(page: Page, url: str, email: str) -> list[str]:
    """Read the key off the enrolment page into the "app", confirm it with a code, keep the
    recovery codes, and continue; returns the recovery codes."""
    secret = re.sub(r"\s", "", await page.locator("#totp-secret").inner_text())
    app = APPS[(url, email)] = SecondFactor(secret)
    await page.get_by_label("Code from your app").fill(app.next_code())
    await page.get_by_role("button", name="Turn on the second factor").click()
    await expect(page.locator("#recovery-codes code")).to_have_count(10)
    codes = await page.locator("#recovery-codes code").all_inner_texts()
    app.recovery_codes = tuple(codes)
    async with page.expect_navigation():
        await page.get_by_role("link", name="I have kept them: continue").click()
    return codes
