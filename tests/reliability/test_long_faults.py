"""Long fault scenarios (`make reliability` only): 2,000 signups each, on a rig of their own.

The broker restart stops the whole RabbitMQ app for a few seconds, which other people's tests on
this broker notice: that is why it runs here and never in `make test`.
"""

import asyncio
import os
import subprocess
import threading
import time
from collections.abc import Callable

import pytest
from together_kit.dev.stack import rabbitmqctl, vhost_of, wait_for_port
from together_kit.settings import ServiceSettings

from .conftest import Record
from .harness import Load, Rig, RssSampler, env_seed, seeded
from .scenario import run_scenario

pytestmark = [pytest.mark.reliability, pytest.mark.long, pytest.mark.timeout(1800)]

SIGNUPS = int(os.environ.get("RELIABILITY_LONG_SIGNUPS", "2000"))
CONCURRENCY = 12
SETTLE = 900.0
ALL_FOUR = ("signups", "moderation", "matching", "notifications")
BROKER_DOWN_SECONDS = 5.0
SLOW_SMTP_SECONDS = 2.0
SLOW_WINDOW_SECONDS = 60.0
RSS_GROWTH_BOUND_MIB = 120.0
"""Notifications' RSS may grow by at most this much over its idle size while SMTP is slow."""
RSS_CEILING_MIB = 350.0
PREFETCH: int = ServiceSettings.model_fields["prefetch"].default


async def test_baseline_without_fault(fresh_rig: Callable[..., Rig], report: Record) -> None:
    """No fault: the reference for the other rows. Its "recover" is how long the emails take to
    catch up once the load has ended, which every faulty row's figure includes too."""
    rig = fresh_rig()

    async def fault(load: Load) -> str:
        await load.reached(SIGNUPS)
        return "no fault; recover = emails catching up after the load ended"

    await run_scenario(
        rig,
        report,
        name="baseline (no fault)",
        total=SIGNUPS,
        fault=fault,
        concurrency=CONCURRENCY,
        timeout=SETTLE,
    )


async def test_sigkill_each_service_in_turn(fresh_rig: Callable[..., Rig], report: Record) -> None:
    rig = fresh_rig(ALL_FOUR)
    seed = env_seed(23)
    rng = seeded(seed)
    order = list(ALL_FOUR)
    rng.shuffle(order)
    segment = SIGNUPS // len(order)
    points = [i * segment + rng.randint(segment // 5, segment * 4 // 5) for i in range(len(order))]

    async def fault(load: Load) -> str:
        done = []
        for service, point in zip(order, points, strict=True):
            await load.reached(point)
            rig.kill(service)
            ready_s = await asyncio.to_thread(rig.restart, service)
            done.append(f"{service}@{point} ({ready_s:.0f}s)")
        return f"SIGKILL then restart, seed {seed}: " + ", ".join(done)

    await run_scenario(
        rig,
        report,
        name="sigkill each service in turn",
        total=SIGNUPS,
        fault=fault,
        concurrency=CONCURRENCY,
        timeout=SETTLE,
    )


async def test_broker_restart_mid_load(fresh_rig: Callable[..., Rig], report: Record) -> None:
    rig = fresh_rig()
    point = seeded(env_seed(29)).randint(SIGNUPS // 5, SIGNUPS // 2)

    async def fault(load: Load) -> str:
        await load.reached(point)
        started = time.monotonic()
        await asyncio.to_thread(rabbitmqctl, "stop_app")
        try:
            await asyncio.sleep(BROKER_DOWN_SECONDS)
        finally:
            await asyncio.to_thread(_start_broker)
        return (
            f"RabbitMQ app restarted after {point} accepted, down {time.monotonic() - started:.0f}s"
        )

    await run_scenario(
        rig,
        report,
        name="RabbitMQ restart",
        total=SIGNUPS,
        fault=fault,
        concurrency=CONCURRENCY,
        timeout=SETTLE,
    )


def _start_broker() -> None:
    try:
        rabbitmqctl("start_app")
    except subprocess.CalledProcessError:  # the node itself went: start it again
        subprocess.run(["rabbitmq-server", "-detached"], check=True)
    wait_for_port("127.0.0.1", 5672, timeout=120)


async def test_store_stopped_ten_seconds_under_full_load(
    fresh_rig: Callable[..., Rig], report: Record
) -> None:
    rig = fresh_rig()
    point = seeded(env_seed(31)).randint(SIGNUPS // 5, SIGNUPS // 2)

    async def fault(load: Load) -> str:
        await load.reached(point)
        await asyncio.to_thread(rig.store.stop)
        await asyncio.sleep(10)
        await asyncio.to_thread(rig.store.start)
        return f"store stopped 10s after {point} accepted"

    outcome = await run_scenario(
        rig,
        report,
        name="store stopped 10s",
        total=SIGNUPS,
        fault=fault,
        concurrency=CONCURRENCY,
        timeout=SETTLE,
    )
    people = await rig.people_per_email("store-stopped-10s-")
    assert len(people) == SIGNUPS
    assert set(people.values()) == {1}, "an email became two people"
    assert "503x" in outcome.notes


async def test_slow_smtp_bounds_memory_and_in_flight_work(
    fresh_rig: Callable[..., Rig], report: Record
) -> None:
    """SMTP answers after 2 s per message for a minute of full load: notifications keeps taking
    events (at most `prefetch` unacknowledged at a time), queues the emails in its store, and its
    memory stays within a stated bound; when SMTP is quick again, the backlog drains."""
    rig = fresh_rig()
    idle = RssSampler.rss_kib(rig.pid("notifications")) or 0
    unacked: list[int] = []
    stop = threading.Event()

    def sample_unacked() -> None:
        while not stop.is_set():
            unacked.append(_unacked(vhost_of(rig.rabbitmq_url), "notifications.volunteers"))
            stop.wait(2.0)

    async def fault(load: Load) -> str:
        await load.reached(SIGNUPS // 10)
        rig.sink.delay_seconds = SLOW_SMTP_SECONDS
        sampler = threading.Thread(target=sample_unacked, daemon=True)
        sampler.start()
        await asyncio.sleep(SLOW_WINDOW_SECONDS)
        rig.sink.delay_seconds = 0.0
        stop.set()
        sampler.join(10)
        return (
            f"SMTP {SLOW_SMTP_SECONDS:.0f}s/message for {SLOW_WINDOW_SECONDS:.0f}s;"
            f" unacked max {max(unacked, default=0)}"
        )

    idle_mib = idle / 1024
    bound = min(idle_mib + RSS_GROWTH_BOUND_MIB, RSS_CEILING_MIB)
    with RssSampler(lambda: rig.pid("notifications")) as rss:
        outcome = await run_scenario(
            rig,
            report,
            name="slow SMTP (2 s/message)",
            total=SIGNUPS,
            fault=fault,
            concurrency=CONCURRENCY,
            timeout=SETTLE,
            more_notes=lambda: (
                f"RSS idle {idle_mib:.0f} MiB, peak {rss.peak_mib:.0f} MiB (bound {bound:.0f})"
            ),
        )
    assert rss.peak_mib < bound, outcome.notes
    assert max(unacked, default=0) <= PREFETCH


def _unacked(vhost: str, queue: str) -> int:
    found = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "messages_unacknowledged"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    for line in found.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == queue and parts[1].isdigit():
            return int(parts[1])
    return 0


async def test_flaky_network_cycles(fresh_rig: Callable[..., Rig], report: Record) -> None:
    """Three rounds of latency, resets and stalls on notifications' broker link and signups'
    store link while 2,000 signups flow."""
    rig = fresh_rig()
    assert rig.broker_proxy is not None
    assert rig.store_proxy is not None
    proxies = (rig.broker_proxy, rig.store_proxy)

    async def fault(load: Load) -> str:
        cut = 0
        for round_ in range(3):
            await load.reached(SIGNUPS * (round_ + 1) // 5)
            for proxy in proxies:
                proxy.latency = 0.1
            await asyncio.sleep(5)
            cut += sum(proxy.reset() for proxy in proxies)
            for proxy in proxies:
                proxy.latency = 0.0
                proxy.stall = True
            await asyncio.sleep(8)
            for proxy in proxies:
                proxy.stall = False
            cut += sum(proxy.reset() for proxy in proxies)
        return f"3 rounds of 100ms latency 5s + resets + 8s stall; {cut} connections cut"

    await run_scenario(
        rig,
        report,
        name="flaky network cycles",
        total=SIGNUPS,
        fault=fault,
        concurrency=CONCURRENCY,
        timeout=SETTLE,
    )
