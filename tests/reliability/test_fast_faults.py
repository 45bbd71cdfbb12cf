"""Fast fault scenarios (run in `make test` and `make reliability`): 100-200 signups each through
one shared pair of signups + notifications processes, one fault each, every email exactly once."""

import asyncio
import json
import uuid

import pytest
from aio_pika.abc import AbstractIncomingMessage
from together_contracts import VolunteerConfirmed, VolunteerConfirmedData, VolunteerProfile
from together_kit.dev.stack import close_vhost_connections, vhost_of
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import publish_event, publish_raw, read_queue
from together_kit.testing.waiting import eventually

from .conftest import Record
from .harness import DOMAIN, Load, Rig, env_seed, fault_point, seeded
from .scenario import run_scenario

pytestmark = pytest.mark.reliability

KILL_SIGNUPS = 200
FAST_SIGNUPS = 100
"""Fewer than the kill scenario's 200: two shared cores keep make test's added time modest."""
STORE_DOWN_SECONDS = 10.0
STALL_SECONDS = 5.0
MAX_ATTEMPTS = 5
"""ServiceSettings.max_attempts: tries of a failing handler before its event is dead-lettered."""


async def test_sigkill_one_service_mid_load(rig: Rig, report: Record) -> None:
    seed = env_seed(7)
    service = seeded(seed).choice(["signups", "notifications"])
    point = fault_point(seed, KILL_SIGNUPS)

    async def fault(load: Load) -> str:
        await load.reached(point)
        rig.kill(service)
        ready_s = await asyncio.to_thread(rig.restart, service)
        return (
            f"SIGKILL {service} after {point} accepted (seed {seed}), ready again in {ready_s:.1f}s"
        )

    await run_scenario(
        rig,
        report,
        name=f"sigkill {service} (fast)",
        total=KILL_SIGNUPS,
        fault=fault,
    )


async def test_vhost_connections_closed_mid_load(rig: Rig, report: Record) -> None:
    point = fault_point(env_seed(11), FAST_SIGNUPS)

    async def fault(load: Load) -> str:
        await load.reached(point)
        await asyncio.to_thread(close_vhost_connections, vhost_of(rig.rabbitmq_url))
        return f"vhost connections closed after {point} accepted"

    await run_scenario(
        rig, report, name="vhost connections closed (fast)", total=FAST_SIGNUPS, fault=fault
    )


async def test_store_stopped_ten_seconds_mid_load(rig: Rig, report: Record) -> None:
    """503 with Retry-After while the store is away, never 500; a signup answered 503 and
    retried with the same Idempotency-Key never becomes a second person or a second email."""
    point = fault_point(env_seed(13), FAST_SIGNUPS)

    async def fault(load: Load) -> str:
        await load.reached(point)
        await asyncio.to_thread(rig.store.stop)
        await asyncio.sleep(STORE_DOWN_SECONDS)
        await asyncio.to_thread(rig.store.start)
        return f"store stopped {STORE_DOWN_SECONDS:.0f}s after {point} accepted"

    outcome = await run_scenario(
        rig, report, name="store stopped 10s (fast)", total=FAST_SIGNUPS, fault=fault
    )
    assert "503x" in outcome.notes, "the outage was never seen as 503"
    people = await rig.people_per_email(f"store-stopped-10s-fast-{rig.run_id}")
    assert len(people) == FAST_SIGNUPS
    assert set(people.values()) == {1}, "an email became two people"


async def test_poison_and_duplicates_under_load(rig: Rig, report: Record) -> None:
    """One event published three times gives one email; invalid JSON, an unknown version and a
    wrong schema land in notifications.dead at once with the reason, and an event whose handler
    keeps failing (a confirmation for a person never registered) after its bounded retries,
    while the load keeps flowing."""
    point = fault_point(env_seed(17), FAST_SIGNUPS)
    thrice = f"told-three-times-{rig.run_id}@{DOMAIN}"
    event = volunteer_registered("Thrice", email=thrice)
    envelope = json.loads(event.model_dump_json())
    poison = {
        "invalid JSON": b'{"id": "not even json',
        "unknown version": json.dumps(
            {**envelope, "id": str(uuid.uuid4()), "version": 99}
        ).encode(),
        "wrong schema": json.dumps(
            {**envelope, "id": str(uuid.uuid4()), "data": {"who": "nobody"}}
        ).encode(),
    }
    stranger = VolunteerConfirmed(
        producer="tests",
        correlation_id="reliability-stranger",
        data=VolunteerConfirmedData(
            person_id=uuid.uuid4(),
            profile=VolunteerProfile(outward_code="CF10", travel_radius_km=10),
        ),
    )

    async def fault(load: Load) -> str:
        await load.reached(point)
        for _ in range(3):
            await publish_event(rig.rabbitmq_url, event)
        for body in poison.values():
            message_id = str(uuid.uuid4())
            await publish_raw(rig.rabbitmq_url, body, routing_key=event.type, message_id=message_id)
        await publish_event(rig.rabbitmq_url, stranger)
        return f"1 event x3, {len(poison)} unreadable + 1 always-failing after {point} accepted"

    await run_scenario(
        rig,
        report,
        name="duplicates x3 + poison (fast)",
        total=FAST_SIGNUPS,
        fault=fault,
        dead_letters_expected=True,
    )
    assert rig.sink.per_recipient({thrice})[thrice] == 1
    dead: list[AbstractIncomingMessage] = []

    async def dead_so_far() -> int:
        dead.extend(await read_queue(rig.rabbitmq_url, "notifications.dead"))
        return len(dead)

    await eventually(dead_so_far, until=lambda n: n >= len(poison) + 1, timeout=60, interval=1)
    assert len(dead) == len(poison) + 1, [m.headers for m in dead]
    by_id = {m.message_id: m.headers or {} for m in dead}
    for headers in by_id.values():
        assert headers.get("x-error"), headers
        assert headers.get("x-original-queue") == "notifications.volunteers"
    retried = by_id[str(stranger.id)]
    assert retried["x-error-type"] == "ContactNotYetKnownError"
    assert retried["x-attempts"] == MAX_ATTEMPTS
    assert not await read_queue(rig.rabbitmq_url, "signups.dead")


async def test_flaky_network_to_broker_and_store(rig: Rig, report: Record) -> None:
    """Through the fault proxy: latency, then every connection reset, then a stall (accepted,
    nothing forwarded), on notifications' link to RabbitMQ and signups' link to the store."""
    point = fault_point(env_seed(19), FAST_SIGNUPS)
    assert rig.broker_proxy is not None
    assert rig.store_proxy is not None
    proxies = (rig.broker_proxy, rig.store_proxy)

    async def fault(load: Load) -> str:
        await load.reached(point)
        for proxy in proxies:
            proxy.latency = 0.05
        await asyncio.sleep(2)
        cut = sum(proxy.reset() for proxy in proxies)
        await asyncio.sleep(1)
        for proxy in proxies:
            proxy.latency = 0.0
            proxy.stall = True
        await asyncio.sleep(STALL_SECONDS)
        for proxy in proxies:
            proxy.stall = False
        cut += sum(proxy.reset() for proxy in proxies)  # stalled links are dead: the peer decides
        return f"50ms latency 2s, {cut} connections reset, stalled {STALL_SECONDS:.0f}s"

    await run_scenario(
        rig, report, name="flaky network via proxy (fast)", total=FAST_SIGNUPS, fault=fault
    )
