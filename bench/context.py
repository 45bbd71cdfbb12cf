"""What every scenario is handed: its sizes, the stack, the people, and earlier results."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from together_kit.messaging.topology import EVENTS

from bench.config import Params
from bench.people import Population
from bench.results import ScenarioResult
from bench.stack import Stack


@dataclass
class RunContext:
    params: Params
    stack: Stack
    work_dir: Path
    results: dict[str, ScenarioResult] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)
    """Figures one scenario leaves for another (e.g. signups' RSS under B1 for B6)."""

    def population(self, offset: int) -> Population:
        """People for one scenario: the run's seed plus an offset, so scenarios are independent."""
        return Population(self.params.geonames, seed=self.params.seed * 1000 + offset)


@dataclass
class Arrivals:
    """Messages seen on a probe queue, with the moment each arrived."""

    times: list[float] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    _waiters: list[tuple[int, asyncio.Event]] = field(default_factory=list)

    def record(self, body: bytes) -> None:
        self.times.append(time.perf_counter())
        self.bodies.append(body)
        for count, event in self._waiters:
            if len(self.times) >= count:
                event.set()

    async def wait_for(self, count: int, *, timeout: float) -> float:
        """Wait until `count` have arrived; the moment the count-th did."""
        if len(self.times) < count:
            event = asyncio.Event()
            self._waiters.append((count, event))
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except TimeoutError as error:
                raise TimeoutError(
                    f"{len(self.times)} of {count} events within {timeout}s"
                ) from error
        return self.times[count - 1]


@asynccontextmanager
async def arrivals(url: str, routing_keys: tuple[str, ...]) -> AsyncIterator[Arrivals]:
    """An exclusive queue bound to `together.events` by `routing_keys`, counting what comes."""
    seen = Arrivals()
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=1000)
        exchange = await channel.declare_exchange(
            EVENTS.name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for key in routing_keys:
            await queue.bind(exchange, routing_key=key)

        async def on_message(message: AbstractIncomingMessage) -> None:
            seen.record(message.body)
            await message.ack()

        await queue.consume(on_message)
        yield seen
    finally:
        await connection.close()


async def sample_rss(pid: int, peak: list[float], stop: asyncio.Event, every: float = 0.2) -> None:
    """Keep the largest RSS of `pid` seen in `peak[0]` until `stop` is set."""
    from bench.stack import rss_mb

    while not stop.is_set():
        try:
            peak[0] = max(peak[0], rss_mb(pid))
        except OSError:
            return
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def poll_until(
    check: Callable[[], Awaitable[int]], target: int, *, timeout: float, every: float = 0.05
) -> float:
    """Poll `check` until it reaches `target`; the moment it was first seen there."""
    deadline = time.perf_counter() + timeout
    last = -1
    while True:
        last = await check()
        if last >= target:
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{last} of {target} within {timeout}s")
        await asyncio.sleep(every)


async def wait_while_progressing(
    count: Callable[[], int], target: int, *, stall: float = 60.0, every: float = 0.05
) -> bool:
    """Wait until `count()` reaches `target`, giving up only when it has not moved for `stall`
    seconds (a slow machine is waited for; a stuck pipeline is not); whether it got there."""
    last, moved = count(), time.perf_counter()
    while last < target:
        await asyncio.sleep(every)
        now = count()
        if now != last:
            last, moved = now, time.perf_counter()
        elif time.perf_counter() - moved > stall:
            return False
    return True
