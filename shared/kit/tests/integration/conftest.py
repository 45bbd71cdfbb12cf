import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from together_kit.runtime import ServiceRuntime
from together_kit.settings import ServiceSettings

SettingsFactory = Callable[..., ServiceSettings]


@pytest.fixture
def settings_for(rabbitmq_url: str, mongodb_url: str, database_name: str) -> SettingsFactory:
    """Settings for a throwaway service whose queues and database no other test shares."""

    def build(**overrides: object) -> ServiceSettings:
        values: dict[str, object] = {
            "service_name": f"svc{uuid.uuid4().hex[:8]}",
            "port": 0,
            "rabbitmq_url": rabbitmq_url,
            "mongodb_url": mongodb_url,
            "mongodb_database": database_name,
            "retry_backoff_seconds": 0.05,
            "retry_backoff_max_seconds": 0.2,
            "max_attempts": 3,
            "outbox_poll_seconds": 0.2,
        }
        values.update(overrides)
        return ServiceSettings(**values)  # type: ignore[arg-type]

    return build


@pytest.fixture
async def runtime(settings_for: SettingsFactory) -> AsyncIterator[ServiceRuntime]:
    """A runtime that is built but not started: the test registers consumers, then starts it."""
    built = ServiceRuntime.build(settings_for())
    yield built
    await built.client.close()
