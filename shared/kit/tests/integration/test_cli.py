"""`together dlq` against the real broker: the table, one dead letter, replay once, purge, errors."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import aio_pika
import pytest
from pymongo import AsyncMongoClient
from together_contracts import email_digest
from together_kit.cli import app
from together_kit.erasure import TOMBSTONES, tombstone
from together_kit.messaging.deadletters import DeadLetter, list_dead
from together_kit.runtime import ServiceRuntime
from together_kit.testing.consumers import counting_consumer, nothing_left_dead, processed
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.waiting import eventually
from typer.testing import CliRunner, Result

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 1, tzinfo=UTC)


async def together(*args: str, input: str | None = None) -> Result:
    """Run the CLI in a thread: it starts its own event loop, and the test already runs in one."""
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), input=input)


def tombstones_of(runtime: ServiceRuntime) -> tuple[str, ...]:
    """Where `dlq replay` finds the service's tombstones (its database)."""
    settings = runtime.settings
    return ("--mongodb-url", settings.mongodb_url, "--database", settings.database_name)


async def dead_letters(url: str, service: str, count: int = 1) -> list[DeadLetter]:
    return await eventually(
        lambda: list_dead(url, service), until=lambda d: len(d) >= count, what=f"{count} dead"
    )


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
    replay = (
        *("dlq", "replay", "--service", service, "--id", str(event.id), "--url", rabbitmq_url),
        *tombstones_of(runtime),
    )
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
        await nothing_left_dead(rabbitmq_url, service, effects)
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
        extra = {"purge": ["--yes"], "replay": list(tombstones_of(runtime))}.get(command, [])
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


async def test_replay_drops_dead_letters_about_erased_people(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    """Erased since they failed: Ann by her person id, Bob by the keyed digest of his address (as
    an address-only erasure records him). Only Cai's event is replayed; the others leave the dead
    letters for good."""
    failing = {"on"}
    effects = counting_consumer(runtime, fail_while=lambda: "on" in failing)
    service = runtime.settings.service_name
    ann = volunteer_registered("Ann")
    bob = volunteer_registered("Bob", email="Bob@Example.org")
    cai = volunteer_registered("Cai", email="cai@example.org")
    async with runtime.running():
        for event in (ann, bob, cai):
            await publish_event(rabbitmq_url, event)
        await dead_letters(rabbitmq_url, service, 3)
        failing.clear()
        key = runtime.settings.erasure_digest_key
        await runtime.db[TOMBSTONES].insert_many(
            [
                tombstone(
                    erasure_id=uuid.uuid4(), person_id=ann.data.person_id, digest=None, at=NOW
                ),
                tombstone(
                    erasure_id=uuid.uuid4(),
                    person_id=None,
                    digest=email_digest("bob@example.org", key=key),
                    at=NOW,
                ),
            ]
        )

        replay_all = ("dlq", "replay", "--service", service, "--all", "--url", rabbitmq_url)
        replayed = await together(*replay_all, *tombstones_of(runtime))

        assert replayed.exit_code == 0, replayed.output
        assert "replayed 1 dead letter(s)" in replayed.output
        assert "dropped 2 dead letter(s) about erased people" in replayed.output
        assert str(ann.id) in replayed.output
        assert str(bob.id) in replayed.output
        await processed(effects, "Cai")
        assert await list_dead(rabbitmq_url, service) == []
        again = await together(*replay_all, *tombstones_of(runtime))
        assert "replayed 0" in again.output
    assert (effects["Ann"], effects["Bob"], effects["Cai"]) == (0, 0, 1)


async def test_replay_refuses_when_the_tombstones_cannot_be_read(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    counting_consumer(runtime, fail_while=lambda: True)
    service = runtime.settings.service_name
    async with runtime.running():
        await publish_event(rabbitmq_url, volunteer_registered())
        [dead] = await dead_letters(rabbitmq_url, service)
        result = await together(
            "dlq",
            "replay",
            "--service",
            service,
            "--all",
            "--url",
            rabbitmq_url,
            "--mongodb-url",
            "mongodb://127.0.0.1:1/",
        )
        assert result.exit_code == 1
        assert "cannot read the tombstones" in result.output
        assert [d.event_id for d in await list_dead(rabbitmq_url, service)] == [dead.event_id]


async def test_reapply_republishes_every_recorded_erasure_once(
    rabbitmq_url: str, mongodb_url: str
) -> None:
    """After a restore: every erasure any service recorded is told again, one event per erasure
    however many services hold its tombstone, each a new event (so every inbox takes it)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    first, second = f"t{uuid.uuid4().hex[:10]}", f"t{uuid.uuid4().hex[:10]}"
    shared, by_address, by_phone = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    person = uuid.uuid4()
    digest, phone = "ab" * 32, "cd" * 32
    try:
        await client[first][TOMBSTONES].insert_one(
            tombstone(erasure_id=shared, person_id=person, digest=None, at=NOW)
        )
        await client[second][TOMBSTONES].insert_many(
            [
                tombstone(erasure_id=shared, person_id=None, digest=digest, at=NOW),
                tombstone(erasure_id=by_address, person_id=None, digest=digest, at=NOW),
                tombstone(erasure_id=by_phone, person_id=None, digest=None, phone=phone, at=NOW),
            ]
        )
        command = (
            *("erasures", "reapply", "--database", first, "--database", second),
            *("--mongodb-url", mongodb_url, "--url", rabbitmq_url),
        )
        async with event_probe(rabbitmq_url, ["person.erasure_requested"]) as probe:
            done = await together(*command)
            assert done.exit_code == 0, done.output
            assert "re-published 3 erasure(s)" in done.output
            told = await probe.wait_for(3)
            again = await together(*command)
            assert again.exit_code == 0, again.output
            await probe.wait_for(6)
    finally:
        for name in (first, second):
            await client.drop_database(name)
        await client.close()
    by_id = {e["data"]["erasure_id"]: e["data"] for e in told}
    assert by_id == {
        str(shared): {
            "erasure_id": str(shared),
            "person_id": str(person),
            "email_digest": digest,
            "phone_digest": None,
        },
        str(by_address): {
            "erasure_id": str(by_address),
            "person_id": None,
            "email_digest": digest,
            "phone_digest": None,
        },
        str(by_phone): {
            "erasure_id": str(by_phone),
            "person_id": None,
            "email_digest": None,
            "phone_digest": phone,
        },
    }
    assert len({e["id"] for e in probe.events}) == 6
