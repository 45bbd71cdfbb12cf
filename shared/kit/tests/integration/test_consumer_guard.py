"""The consumer guard against the real broker and store: inbox, retries, dead letters."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import pytest
from together_kit.messaging.deadletters import list_dead
from together_kit.runtime import DELIVERY_LIMIT, ServiceRuntime
from together_kit.testing.consumers import counting_consumer
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import publish_event, publish_raw, read_queue
from together_kit.testing.waiting import eventually

from .conftest import SettingsFactory

pytestmark = pytest.mark.integration


async def dead_letters(url: str, runtime: ServiceRuntime, count: int) -> list[object]:
    taken: list[object] = []

    async def take() -> list[object]:
        taken.extend(await read_queue(url, f"{runtime.settings.service_name}.dead"))
        return taken

    return await eventually(take, until=lambda got: len(got) >= count, what="dead letters")


async def test_same_event_three_times_takes_effect_once(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    effects = counting_consumer(runtime)
    event = volunteer_registered()
    marker = volunteer_registered(name="Marker")
    async with runtime.running():
        for _ in range(3):
            await publish_event(rabbitmq_url, event)
        await publish_event(rabbitmq_url, marker)
        await eventually(lambda: _value(effects["Marker"]), what="marker processed")
        duplicates = await eventually(
            lambda: _value(_consumed(runtime, "duplicate")),
            until=lambda n: n == 2,
            what="2 duplicates",
        )
    assert effects["Ann"] == 1
    assert duplicates == 2


async def test_malformed_event_is_dead_lettered_and_the_next_is_processed(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    effects = counting_consumer(runtime)
    bad = volunteer_registered()
    async with runtime.running():
        await publish_event(rabbitmq_url, bad, body=b'{"id": "not even an envelope"')
        await publish_event(rabbitmq_url, volunteer_registered(name="Next"))
        await eventually(lambda: _value(effects["Next"]), what="next good event processed")
        [dead] = await dead_letters(rabbitmq_url, runtime, 1)
    assert dead.message_id == str(bad.id)  # type: ignore[attr-defined]
    headers = dead.headers  # type: ignore[attr-defined]
    assert headers["x-error-type"] in {"ValidationError", "JSONDecodeError"}
    assert headers["x-original-queue"] == f"{runtime.settings.service_name}.volunteers"


async def test_unknown_version_goes_to_dead_letters(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    effects = counting_consumer(runtime)
    future = volunteer_registered()
    body = json.loads(future.model_dump_json())
    body["version"] = 2
    async with runtime.running():
        await publish_event(rabbitmq_url, future, body=json.dumps(body).encode())
        [dead] = await dead_letters(rabbitmq_url, runtime, 1)
    assert "version" in dead.headers["x-error"]  # type: ignore[attr-defined]
    assert effects["Ann"] == 0


async def test_failing_handler_is_retried_then_succeeds(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    effects = counting_consumer(runtime, fail_first=2)
    async with runtime.running():
        await publish_event(rabbitmq_url, volunteer_registered())
        await eventually(lambda: _value(effects["Ann"]), what="processed after retries")
    assert effects["failures"] == 2
    assert effects["Ann"] == 1


async def test_handler_failing_every_time_is_dead_lettered_with_its_error(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    counting_consumer(runtime, fail_while=lambda: True)
    event = volunteer_registered()
    async with runtime.running():
        await publish_event(rabbitmq_url, event)
        [dead] = await dead_letters(rabbitmq_url, runtime, 1)
    headers = dead.headers  # type: ignore[attr-defined]
    assert headers["x-error"] == "RuntimeError: handler failed on purpose"
    assert headers["x-attempts"] == runtime.settings.max_attempts
    assert json.loads(dead.body)["id"] == str(event.id)  # type: ignore[attr-defined]


async def _value(value: int) -> int:
    return value


def _consumed(runtime: ServiceRuntime, outcome: str) -> int:
    total = 0.0
    for metric in runtime.metrics.consumed.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total") and sample.labels.get("outcome") == outcome:
                total += sample.value
    return int(total)


async def test_a_dead_letter_older_than_its_ttl_is_gone(
    settings_for: SettingsFactory, rabbitmq_url: str
) -> None:
    """`dead_letter_ttl_days` on the real broker, on a dead queue declared without any TTL (as
    queues of deployments from before the setting are): the broker drops the message itself."""
    runtime = ServiceRuntime.build(settings_for(dead_letter_ttl_days=3 / 86_400))
    counting_consumer(runtime)
    bad = volunteer_registered()
    dead = f"{runtime.settings.service_name}.dead"
    try:
        async with runtime.running():
            await publish_event(rabbitmq_url, bad, body=b"not an envelope")
            listed = await eventually(
                lambda: list_dead(rabbitmq_url, runtime.settings.service_name),
                until=lambda found: len(found) == 1,
                what="the dead letter",
            )
            assert listed[0].event_id == str(bad.id)
            # Waited for by listing, not by the queue's count: a listing borrows the messages
            # and gives them back, and until the broker has them again its count says 0.
            assert (
                await eventually(
                    lambda: list_dead(rabbitmq_url, runtime.settings.service_name),
                    until=lambda found: found == [],
                    timeout=15,
                    what="the dead letter dropped by the broker",
                )
                == []
            )
            assert await _messages_in(rabbitmq_url, dead) == 0
    finally:
        await runtime.client.close()


async def _messages_in(url: str, queue: str) -> int:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)
    finally:
        await connection.close()


async def test_on_its_last_delivery_before_the_limit_the_guard_dead_letters_it_with_a_ttl(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    """RabbitMQ's own dead-lettering at `x-delivery-limit` strips the expiration: the guard does
    it first (the broker counts deliveries in `x-delivery-count`)."""
    effects = counting_consumer(runtime)
    event = volunteer_registered()
    async with runtime.running():
        await publish_raw(
            rabbitmq_url,
            event.model_dump_json().encode(),
            routing_key=event.type,
            message_id=str(event.id),
            headers={"x-delivery-count": DELIVERY_LIMIT - 1},
        )
        [dead] = await dead_letters(rabbitmq_url, runtime, 1)
    assert dead.headers["x-error-type"] == "DeliveryLimitError"  # type: ignore[attr-defined]
    assert dead.expiration == 14 * 86_400  # type: ignore[attr-defined]
    assert effects["Ann"] == 0


async def test_dead_letters_without_a_ttl_get_one_or_go_when_the_service_starts(
    settings_for: SettingsFactory, rabbitmq_url: str
) -> None:
    """Dead letters from before `dead_letter_ttl_days` (or dead-lettered by RabbitMQ itself) have
    no expiration: at start-up those older than the TTL go and the others get the rest of it."""
    settings = settings_for()
    now = datetime.now(UTC)
    first = ServiceRuntime.build(settings)
    try:
        async with first.running():
            pass
    finally:
        await first.client.close()
    dead = f"{settings.service_name}.dead"
    await _put(rabbitmq_url, dead, "guard-old", {"x-dead-lettered-at": _ago(now, 20)})
    await _put(rabbitmq_url, dead, "broker-old", {"x-death": [{"time": _at(now, 15)}]})
    await _put(rabbitmq_url, dead, "recent", {"x-dead-lettered-at": _ago(now, 1)})

    again = ServiceRuntime.build(settings)
    try:
        async with again.running():
            left = await read_queue(rabbitmq_url, dead)
    finally:
        await again.client.close()
    assert [message.message_id for message in left] == ["recent"]
    expiration = left[0].expiration
    assert isinstance(expiration, float)
    assert 12.9 * 86_400 < expiration <= 13 * 86_400


def _at(now: datetime, days_ago: float) -> datetime:
    return (now - timedelta(days=days_ago)).replace(microsecond=0)


def _ago(now: datetime, days_ago: float) -> str:
    return _at(now, days_ago).isoformat()


async def _put(url: str, queue: str, message_id: str, headers: dict[str, Any]) -> None:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        message = aio_pika.Message(b"{}", message_id=message_id, headers=headers)
        await channel.default_exchange.publish(message, routing_key=queue)
    finally:
        await connection.close()
