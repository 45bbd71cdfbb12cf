"""`together dlq` against the real broker: the table, one dead letter, replay once, purge, errors."""

import asyncio
from collections import Counter

import aio_pika
import pytest
from together_kit.cli import app
from together_kit.deadletters import DeadLetter, list_dead
from together_kit.runtime import ServiceRuntime
from together_kit.testing.consumers import counting_consumer
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually
from typer.testing import CliRunner, Result

pytestmark = pytest.mark.integration


async def together(*args: str, input: str | None = None) -> Result:
    """Run the CLI in a thread: it starts its own event loop, and the test already runs in one."""
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), input=input)


async def dead_letters(url: str, service: str, count: int = 1) -> list[DeadLetter]:
    return await eventually(
        lambda: list_dead(url, service), until=lambda d: len(d) >= count, what=f"{count} dead"
    )


async def processed(effects: Counter[str], name: str) -> None:
    async def count() -> int:
        return effects[name]

    await eventually(count, what=f"{name} processed")


async def redeposit(url: str, service: str, dead: DeadLetter) -> None:
    """Put a dead letter back into `<service>.dead`, as a duplicate dead-lettering would."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        message = aio_pika.Message(
            dead.body,
            headers=dead.headers,
            message_id=dead.event_id,
            type=dead.event_type,
            content_type=dead.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await channel.default_exchange.publish(message, routing_key=f"{service}.dead")
    finally:
        await connection.close()


async def test_list_and_show(runtime: ServiceRuntime, rabbitmq_url: str) -> None:
    counting_consumer(runtime, fail_while=lambda: True)
    service = runtime.settings.service_name
    event = volunteer_registered()
    async with runtime.running():
        await publish_event(rabbitmq_url, event)
        await dead_letters(rabbitmq_url, service)
        listed = await together("dlq", "list", "--service", service, "--url", rabbitmq_url)
        shown = await together(
            "dlq", "show", "--service", service, "--id", str(event.id), "--url", rabbitmq_url
        )
        assert len(await list_dead(rabbitmq_url, service)) == 1, "reading consumed nothing"

    assert listed.exit_code == 0, listed.output
    header, _, row, *_ = listed.output.splitlines()
    assert header.split()[:3] == ["#", "event", "id"]
    assert "original queue" in header
    assert "dead-lettered at" in header
    assert row.split()[:4] == ["1", str(event.id), event.type, f"{service}.volunteers"]
    assert "RuntimeError: handler failed on purpose" in row

    assert shown.exit_code == 0, shown.output
    assert str(event.id) in shown.output
    assert f"{service}.volunteers" in shown.output
    assert '"name": "Ann"' in shown.output


async def test_replay_takes_effect_once_and_a_second_replay_has_no_effect(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    failing = {"on"}
    effects = counting_consumer(runtime, fail_while=lambda: "on" in failing)
    service = runtime.settings.service_name
    event = volunteer_registered()
    replay = ("dlq", "replay", "--service", service, "--id", str(event.id), "--url", rabbitmq_url)
    async with runtime.running():
        await publish_event(rabbitmq_url, event)
        [dead] = await dead_letters(rabbitmq_url, service)
        failing.clear()

        first = await together(*replay)
        assert first.exit_code == 0, first.output
        assert "replayed 1" in first.output
        await processed(effects, "Ann")
        assert await list_dead(rabbitmq_url, service) == []

        await redeposit(rabbitmq_url, service, dead)
        await dead_letters(rabbitmq_url, service)
        second = await together(*replay)
        assert second.exit_code == 0, second.output
        assert "replayed 1" in second.output
        await publish_event(rabbitmq_url, volunteer_registered(name="Marker"))
        await processed(effects, "Marker")
        assert await list_dead(rabbitmq_url, service) == []
    assert effects["Ann"] == 1


async def test_purge_drops_only_the_chosen_dead_letter(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    counting_consumer(runtime, fail_while=lambda: True)
    service = runtime.settings.service_name
    ann, bob = volunteer_registered(), volunteer_registered(name="Bob")
    async with runtime.running():
        await publish_event(rabbitmq_url, ann)
        await publish_event(rabbitmq_url, bob)
        await dead_letters(rabbitmq_url, service, 2)
        purge = ("dlq", "purge", "--service", service, "--id", str(ann.id), "--url", rabbitmq_url)

        declined = await together(*purge, input="n\n")
        assert declined.exit_code == 0, declined.output
        assert str(ann.id) in declined.output, "the prompt lists what would go"
        assert "nothing purged" in declined.output
        assert len(await list_dead(rabbitmq_url, service)) == 2

        purged = await together(*purge, "--yes")
        assert purged.exit_code == 0, purged.output
        assert "purged 1" in purged.output
        assert [d.event_id for d in await list_dead(rabbitmq_url, service)] == [str(bob.id)]


@pytest.mark.parametrize("command", ["show", "replay", "purge"])
async def test_an_unknown_id_fails_and_changes_nothing(
    runtime: ServiceRuntime, rabbitmq_url: str, command: str
) -> None:
    counting_consumer(runtime, fail_while=lambda: True)
    service = runtime.settings.service_name
    async with runtime.running():
        await publish_event(rabbitmq_url, volunteer_registered())
        [dead] = await dead_letters(rabbitmq_url, service)
        extra = ["--yes"] if command == "purge" else []
        result = await together(
            "dlq", command, "--service", service, "--id", "nope", "--url", rabbitmq_url, *extra
        )
        assert result.exit_code == 1
        assert f"not in {service}.dead: nope" in result.output
        assert [d.event_id for d in await list_dead(rabbitmq_url, service)] == [dead.event_id]


async def test_an_unknown_service_fails(rabbitmq_url: str) -> None:
    result = await together("dlq", "list", "--service", "nosuchservice", "--url", rabbitmq_url)
    assert result.exit_code == 1
    assert "no queue nosuchservice.dead" in result.output


async def test_an_unreachable_broker_fails_without_showing_credentials() -> None:
    url = "amqp://guest:s3cret@127.0.0.1:1/"
    result = await together("dlq", "list", "--service", "signups", "--url", url)
    assert result.exit_code == 1
    assert "cannot reach RabbitMQ at amqp://127.0.0.1:1/" in result.output
    assert "s3cret" not in result.output


async def test_replay_needs_ids_or_all(rabbitmq_url: str) -> None:
    result = await together("dlq", "replay", "--service", "signups", "--url", rabbitmq_url)
    assert result.exit_code == 1
    assert "--id EVENT_ID" in result.output
