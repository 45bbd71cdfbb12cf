"""Dead letters against the real broker: listed without being consumed, replayed exactly once,
purged only as chosen and confirmed."""

import asyncio

import pytest
from together_kit.cli import deadletters as together_deadletters
from together_kit.messaging.deadletters import (
    DeadLetter,
    DeadLetterError,
    list_dead,
    purge,
    replay,
    show,
)
from together_kit.runtime import ServiceRuntime
from together_kit.testing.consumers import counting_consumer, nothing_left_dead, processed
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration


async def dead_lettered(url: str, runtime: ServiceRuntime) -> list[DeadLetter]:
    service = runtime.settings.service_name
    return await eventually(lambda: list_dead(url, service), what="a dead letter")


async def test_dead_letter_is_listed_then_replayed_once(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    failing = {"on"}
    effects = counting_consumer(runtime, fail_while=lambda: "on" in failing)
    service = runtime.settings.service_name
    event = volunteer_registered()
    async with runtime.running():
        await publish_event(rabbitmq_url, event)
        [dead] = await dead_lettered(rabbitmq_url, runtime)
        assert dead.event_id == str(event.id)
        assert dead.event_type == event.type
        assert dead.original_queue == f"{service}.volunteers"
        assert dead.error == "RuntimeError: handler failed on purpose"
        assert dead.dead_lettered_at
        assert [d.event_id for d in await list_dead(rabbitmq_url, service)] == [str(event.id)]

        failing.clear()
        assert await replay(rabbitmq_url, service, {str(event.id)}) == 1
        await processed(effects, "Ann")
        await nothing_left_dead(rabbitmq_url, service, effects)
    assert effects["Ann"] == 1


async def test_replay_of_an_unknown_id_fails_and_keeps_the_dead_letters(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    counting_consumer(runtime, fail_while=lambda: True)
    service = runtime.settings.service_name
    async with runtime.running():
        await publish_event(rabbitmq_url, volunteer_registered())
        [dead] = await dead_lettered(rabbitmq_url, runtime)
        code = await asyncio.to_thread(
            together_deadletters,
            ["replay", "--service", service, "--id", "nope", "--url", rabbitmq_url],
        )
        assert code == 1
        assert [d.event_id for d in await list_dead(rabbitmq_url, service)] == [dead.event_id]


async def test_purge_drops_what_was_confirmed_and_requeues_the_rest(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    counting_consumer(runtime, fail_while=lambda: True)
    service = runtime.settings.service_name
    ann, bob = volunteer_registered(), volunteer_registered(name="Bob")
    seen: list[list[str]] = []

    def refuse(letters: list[DeadLetter]) -> bool:
        seen.append([d.event_id for d in letters])
        return False

    async with runtime.running():
        await publish_event(rabbitmq_url, ann)
        await publish_event(rabbitmq_url, bob)
        await eventually(
            lambda: list_dead(rabbitmq_url, service), until=lambda d: len(d) == 2, what="2 dead"
        )
        assert (await show(rabbitmq_url, service, str(bob.id))).original_routing_key == bob.type
        with pytest.raises(DeadLetterError, match="nope"):
            await purge(rabbitmq_url, service, {str(ann.id), "nope"})
        assert await purge(rabbitmq_url, service, {str(ann.id)}, refuse) == 0
        assert seen == [[str(ann.id)]]
        assert len(await list_dead(rabbitmq_url, service)) == 2
        assert await purge(rabbitmq_url, service, {str(ann.id)}, lambda _: True) == 1
        assert [d.event_id for d in await list_dead(rabbitmq_url, service)] == [str(bob.id)]
        assert await purge(rabbitmq_url, service, None) == 1
        assert await list_dead(rabbitmq_url, service) == []


async def test_together_deadletters_still_lists_and_shows_a_dead_letter(
    runtime: ServiceRuntime, rabbitmq_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    counting_consumer(runtime, fail_while=lambda: True)
    service = runtime.settings.service_name
    event = volunteer_registered()
    async with runtime.running():
        await publish_event(rabbitmq_url, event)
        await dead_lettered(rabbitmq_url, runtime)
        listed = await asyncio.to_thread(
            together_deadletters, ["list", "--service", service, "--url", rabbitmq_url]
        )
        shown = await asyncio.to_thread(
            together_deadletters,
            ["show", "--service", service, "--id", str(event.id), "--url", rabbitmq_url],
        )
        assert len(await list_dead(rabbitmq_url, service)) == 1
    out = capsys.readouterr().out
    assert (listed, shown) == (0, 0)
    assert str(event.id) in out
    assert f"{service}.volunteers" in out
    assert '"name": "Ann"' in out
