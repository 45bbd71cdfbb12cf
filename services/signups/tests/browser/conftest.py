"""Signups as a real process for the browser tests of its own pages."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from together_kit.testing.processes import ServiceProcess


@pytest.fixture
def signups(
    rabbitmq_url: str, mongodb_url: str, database_name: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    service = ServiceProcess(
        "signups",
        env={
            "RABBITMQ_URL": rabbitmq_url,
            "MONGODB_URL": mongodb_url,
            "SIGNUPS_MONGODB_DATABASE": database_name,
            "SIGNUPS_JOIN_RATE_LIMIT": "1000/minute",
        },
        log_dir=tmp_path,
    )
    with service.running():
        yield service
