"""Matching as a real process on the real broker and store, and a Chromium driven by Playwright."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from together_kit.testing.browser import require_chromium
from together_kit.testing.processes import ServiceProcess

require_chromium()

SITE_KEY = "browser-test-site-key-" + "x" * 32
"""The site key the process signs sessions with, so a test can sign one in as a volunteer."""


@pytest.fixture
def matching_process(
    rabbitmq_url: str, mongodb_url: str, database_name: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    process = ServiceProcess("matching", env={}, log_dir=tmp_path)
    process.env.update(
        {
            "RABBITMQ_URL": rabbitmq_url,
            "MONGODB_URL": mongodb_url,
            "MATCHING_MONGODB_DATABASE": database_name,
            "MATCHING_PUBLIC_BASE_URL": process.url,
            "MATCHING_SUBMIT_RATE_LIMIT": "1000/minute",
            "MATCHING_OUTBOX_POLL_SECONDS": "0.2",
            "SITE_KEY": SITE_KEY,
        }
    )
    with process.running():
        yield process
