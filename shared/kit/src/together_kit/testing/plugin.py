"""pytest fixtures for every service's tests (enabled by the root conftest.py)."""

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser

from together_kit.dev.mailsink import MailSink
from together_kit.dev.smssink import SmsSink
from together_kit.dev.stack import free_port
from together_kit.testing import commands, infra
from together_kit.testing.browser import chromium

SESSION_SINK = pytest.StashKey[MailSink]()
SESSION_SMS_SINK = pytest.StashKey[SmsSink]()

# The kit's shared tests (e.g. the contract tests) assert in these modules: show why, as in a test.
pytest.register_assert_rewrite(
    "together_kit.testing.consumers",
    "together_kit.testing.contract",
    "together_kit.testing.processes",
)


def pytest_configure(config: pytest.Config) -> None:
    """Mail from whatever a test starts without a mail server of its own (a `Settings()` made in
    the test, a service process given no SMTP settings) goes to this session's own sink on a free
    port: never to the fixed SMTP port of `make run`, where its inbox or a real mail server may
    listen. Texts likewise go to this session's own SMS sink (in GOV.UK Notify's shape; it posts
    no receipts and takes no replies, knowing no notifications: e2e tests use `sms_sink`).
    Set before any test runs; a test's own SMTP and SMS settings take precedence.

    The store-command listener is registered here too, before any client is made."""
    commands.install()
    sink = MailSink(folder=Path(tempfile.mkdtemp(prefix="together-mail-")), smtp_port=free_port())
    sink.start()
    config.stash[SESSION_SINK] = sink
    os.environ["NOTIFICATIONS_SMTP_HOST"] = "127.0.0.1"
    os.environ["NOTIFICATIONS_SMTP_PORT"] = str(sink.smtp_port)
    texts = SmsSink(folder=Path(tempfile.mkdtemp(prefix="together-sms-")))
    texts.start()
    config.stash[SESSION_SMS_SINK] = texts
    os.environ.update(texts.notifications_env())


def pytest_unconfigure(config: pytest.Config) -> None:
    if (sink := config.stash.get(SESSION_SINK, None)) is not None:
        sink.stop()
        shutil.rmtree(sink.folder, ignore_errors=True)
    if (texts := config.stash.get(SESSION_SMS_SINK, None)) is not None:
        texts.stop()
        shutil.rmtree(texts.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def session_mail_sink(pytestconfig: pytest.Config) -> MailSink:
    """The session's mail sink, where an app built from `Settings()` in this process sends."""
    return pytestconfig.stash[SESSION_SINK]


@pytest.fixture(scope="session")
def session_sms_sink(pytestconfig: pytest.Config) -> SmsSink:
    """The session's SMS sink, where an app built from `Settings()` in this process texts:
    `.texts_to(phone)`, `.fail(phone, how)`; a test that needs receipts or replies sets
    `.notifications_url` to its own app's address, or starts a sink of its own."""
    return pytestconfig.stash[SESSION_SMS_SINK]


@pytest.fixture(scope="session")
def rabbitmq_url() -> Iterator[str]:
    with infra.broker_url() as url:
        yield url


@pytest.fixture(scope="session")
def mongodb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with infra.store_url(Path(tmp_path_factory.mktemp("store"))) as url:
        yield url


@pytest.fixture
def database_name() -> str:
    """A database of its own for each test, so tests never see each other's documents."""
    return f"t{uuid.uuid4().hex[:12]}"


def settings_in(rabbitmq_url: str, mongodb_url: str, database_name: str) -> dict[str, Any]:
    """The settings every service's `Settings` takes to run against the test broker and store,
    in the database named."""
    return {
        "rabbitmq_url": rabbitmq_url,
        "mongodb_url": mongodb_url,
        "mongodb_database": database_name,
        "port": 0,
    }


@pytest.fixture
def service_settings(rabbitmq_url: str, mongodb_url: str, database_name: str) -> dict[str, Any]:
    """`settings_in` a database of the test's own: `Settings(**service_settings, **its_own)`."""
    return settings_in(rabbitmq_url, mongodb_url, database_name)


@pytest.fixture(scope="module")
def module_service_settings(rabbitmq_url: str, mongodb_url: str) -> dict[str, Any]:
    """`settings_in` a database of the module's own, for tests that share one app started once
    per module (the contract tests: starting an app costs more than a test's requests)."""
    return settings_in(rabbitmq_url, mongodb_url, f"m{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="session")
async def launched_browser() -> AsyncIterator[Browser]:
    """One Chromium for the session: launching it took 1 to 4 s, once per browser test."""
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def browser(launched_browser: Browser) -> AsyncIterator[Browser]:
    """Chromium for one test (browser tests call `require_chromium()` first). Tests share the
    launched browser but never a context: what a test opens is closed when it ends, so no
    cookie, storage or page outlives it."""
    yield launched_browser
    for context in launched_browser.contexts:
        await context.close()
