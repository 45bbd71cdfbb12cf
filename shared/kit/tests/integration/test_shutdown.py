"""Stopping a runtime (SIGTERM -> uvicorn -> lifespan exit) drains before it lets go.

Kubernetes sends SIGTERM when it scales a service down or rolls it: the replica must stop taking
messages, finish the ones in flight and publish what they staged, then close; nothing it was handed
may be lost, and nothing it finished may come back to another replica.
"""

import asyncio
import uuid

import pytest
from together_contracts import VolunteerRegistered
from together_kit.runtime import ServiceRuntime
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import event_probe, publish_event, read_queue
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

HANDLER_SECONDS = 1.0


async def test_stop_finishes_in_flight_work_and_leaves_the_rest_queued(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    consumer = runtime.consumer("volunteers", [VolunteerRegistered.routing_key])
    echoes = runtime.aggregate("echoes")
    started: list[str] = []
    finished: list[str] = []

    @consumer.subscriber()
    async def slow(event: VolunteerRegistered) -> None:
        if event.data.name.startswith("echo"):
            return
        started.append(event.data.name)
        await asyncio.sleep(HANDLER_SECONDS)  # still running when the stop begins
        echo = volunteer_registered(f"echo of {event.data.name}")
        await echoes.insert({"_id": uuid.uuid4().hex}, [echo])
        finished.append(event.data.name)

    queue = f"{runtime.settings.service_name}.volunteers"
    async with event_probe(rabbitmq_url, [VolunteerRegistered.routing_key]) as probe:
        running = runtime.running()
        await running.__aenter__()
        await publish_event(rabbitmq_url, volunteer_registered("Ann"))
        await eventually(lambda: _copy(started), until=lambda s: s == ["Ann"], what="Ann started")
        stopping = asyncio.create_task(running.__aexit__(None, None, None))
        await asyncio.sleep(HANDLER_SECONDS / 4)
        await publish_event(rabbitmq_url, volunteer_registered("Bob"))  # arrives mid-drain
        await stopping
        assert finished == ["Ann"], "the message in flight was finished, not abandoned"
        assert started == ["Ann"], "nothing new was taken once the stop began"
        await probe.wait_for(3, timeout=10)
        names = [event["data"]["name"] for event in probe.events]
        assert "echo of Ann" in names, "what the in-flight handler staged was published on stop"

    left = await eventually(
        lambda: read_queue(rabbitmq_url, queue),
        until=lambda got: len(got) >= 1,
        what="messages left in the queue",
    )
    left_names = [VolunteerRegistered.model_validate_json(m.body).data.name for m in left]
    assert "Ann" not in left_names, "the finished message was acknowledged, not handed back"
    assert "Bob" in left_names, "the message that arrived mid-drain was left for another replica"


async def _copy(items: list[str]) -> list[str]:
    return list(items)
