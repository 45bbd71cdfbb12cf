"""pytest fixtures for every service's tests (enabled by the root conftest.py)."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from together_kit.testing import infra


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


@pytest.fixture
def service_settings(rabbitmq_url: str, mongodb_url: str, database_name: str) -> dict[str, Any]:
    """The settings every service's `Settings` takes to run against the test broker and store,
    in a database of the test's own: `Settings(**service_settings, **its_own)`."""
    return {
        "rabbitmq_url": rabbitmq_url,
        "mongodb_url": mongodb_url,
        "mongodb_database": database_name,
        "port": 0,
    }
