import pytest
from pydantic_settings import SettingsConfigDict
from together_kit.messaging.consuming import RetryPolicy
from together_kit.messaging.topology import ConsumerTopology
from together_kit.settings import ServiceSettings

pytestmark = pytest.mark.unit


def test_backoff_doubles_up_to_its_cap() -> None:
    policy = RetryPolicy(max_attempts=6, backoff_seconds=0.5, backoff_max_seconds=3)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_consumer_queues_follow_the_naming_and_dead_letter_rules() -> None:
    topology = ConsumerTopology(
        "notifications", "volunteers", ("volunteer.registered",), delivery_limit=7
    )
    queue = topology.queue("volunteer.registered")
    assert queue.name == "notifications.volunteers"
    assert queue.routing_key == "volunteer.registered"
    assert queue.arguments == {
        "x-queue-type": "quorum",
        "x-delivery-limit": 7,
        "x-dead-letter-exchange": "notifications.direct",
        "x-dead-letter-routing-key": "notifications.dead",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    retry = topology.retry_queue()
    assert retry.name == "notifications.volunteers.retry"
    assert retry.arguments is not None
    assert retry.arguments["x-dead-letter-exchange"] == "notifications.direct"
    assert retry.arguments["x-dead-letter-routing-key"] == "notifications.volunteers"
    assert topology.exchange.name == "notifications.direct"
    assert topology.exchange.type.value == "direct"
    assert topology.dead_queue().name == "notifications.dead"


def test_settings_read_shared_and_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    class Settings(ServiceSettings):
        model_config = SettingsConfigDict(env_prefix="DEMO_")
        service_name: str = "demo"
        port: int = 8009

    monkeypatch.setenv("RABBITMQ_URL", "amqp://u:p@broker:5672/")
    monkeypatch.setenv("DEMO_PORT", "9100")
    settings = Settings()
    assert settings.rabbitmq_url == "amqp://u:p@broker:5672/"
    assert settings.port == 9100
    assert settings.database_name == "demo"


def test_a_retry_never_waits_longer_than_the_dead_letter_ttl() -> None:
    policy = RetryPolicy(
        max_attempts=6, backoff_seconds=10, backoff_max_seconds=1000, dead_letter_ttl_seconds=25
    )
    assert [policy.delay(n) for n in range(1, 5)] == [10.0, 20.0, 25.0, 25.0]


def test_dead_letters_are_kept_14_days_unless_set_otherwise() -> None:
    assert ServiceSettings(service_name="demo", port=0).dead_letter_ttl_days == 14.0
    assert ServiceSettings(service_name="demo", port=0).idempotency_retention_days == 1.0
