"""An HTTP/1.1 load generator on raw asyncio streams, light enough not to be the bottleneck.

Two shapes: `closed_loop` (n connections, each sending its next request as soon as the last is
answered: the peak rate) and `open_loop` (requests started at a fixed rate whatever the answers,
latency counted from the moment each request was due, so a slow server is not hidden by a
waiting client). Bodies are bytes made ahead of time; the same client drives every HTTP target.
"""

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

TIMEOUT_STATUS = 0
"""`status` of a request that got no answer in time (or whose connection failed)."""


@dataclass(frozen=True)
class Outcome:
    due: float
    """When the request was due to start (perf_counter seconds)."""
    latency: float
    status: int


@dataclass
class LoadResult:
    outcomes: list[Outcome] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    not_sent: int = 0
    """Open loop only: requests the client could not start (every connection busy)."""
    failures: Counter[str] = field(default_factory=Counter)
    """Requests answered `TIMEOUT_STATUS`, by why (`failure`)."""
    client_cpu_seconds: float = 0.0
    """CPU time this process (the client, and whatever else it ran meanwhile) spent on the load."""

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def client_cores(self) -> float:
        """The machine's cores the client kept busy on average: what the server did not get."""
        return self.client_cpu_seconds / self.seconds if self.seconds > 0 else 0.0

    def latencies(self, *, ok_only: bool = True) -> list[float]:
        return [o.latency for o in self.outcomes if not ok_only or 200 <= o.status < 300]

    def count(self, predicate: Callable[[int], bool]) -> int:
        return sum(1 for o in self.outcomes if predicate(o.status))


def post_request(host: str, port: int, path: str, body: bytes, *, headers: str = "") -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{headers}\r\n"
    )
    return head.encode() + body


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.usable = True

    @classmethod
    async def open(cls, host: str, port: int) -> "Connection":
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
        return cls(reader, writer)

    async def exchange(self, request: bytes) -> int:
        """Send one request, read the whole answer; its status."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            lowered = name.strip().lower()
            if lowered == b"content-length":
                length = int(value)
            elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif lowered == b"connection" and b"close" in value.lower():
                self.usable = False
        if chunked:
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        elif length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.usable = False
        self.writer.close()


FAILED = (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError)


def failure(error: BaseException, *, connected: bool, reused: bool) -> str:
    """Why a request got no answer: no deadline met, no connection made, or a connection that
    ended before its answer (one kept from an earlier request, or made for this one)."""
    if isinstance(error, TimeoutError):
        return "deadline"
    if not connected:
        return f"connect {type(error).__name__}"
    return f"{'kept' if reused else 'new'} connection ended {type(error).__name__}"


async def closed_loop(
    host: str,
    port: int,
    requests: list[bytes],
    *,
    concurrency: int,
    timeout: float = 30.0,
    until: float | None = None,
) -> LoadResult:
    """Send every request over `concurrency` keep-alive connections, as fast as answered; none is
    started after `until` (a `time.perf_counter()` moment), if given."""
    result = LoadResult()
    queue = iter(requests)

    async def worker() -> None:
        connection: Connection | None = None
        for request in queue:
            due = time.perf_counter()
            if until is not None and due >= until:
                break
            reused = connection is not None and connection.usable
            try:
                if connection is None or not connection.usable:
                    connection = None
                    connection = await Connection.open(host, port)
                status = await asyncio.wait_for(connection.exchange(request), timeout)
            except FAILED as error:
                status = TIMEOUT_STATUS
                result.failures[
                    failure(error, connected=connection is not None, reused=reused)
                ] += 1
                if connection is not None:
                    connection.close()
                connection = None
            result.outcomes.append(Outcome(due, time.perf_counter() - due, status))
        if connection is not None:
            connection.close()

    result.started = time.perf_counter()
    cpu = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.finished = time.perf_counter()
    result.client_cpu_seconds = time.process_time() - cpu
    return result


async def open_loop(
    host: str,
    port: int,
    make_request: Callable[[int], bytes],
    *,
    rate: float,
    seconds: float,
    max_in_flight: int = 512,
    timeout: float = 10.0,
) -> LoadResult:
    """Start request i at `start + i / rate` for `seconds`, over a pool of keep-alive
    connections growing up to `max_in_flight`; a request due when every connection is busy is
    counted in `not_sent` (the client's own limit, reported, never hidden). Each request's
    `timeout` covers making its connection too, if it needs one."""
    result = LoadResult()
    idle: list[Connection] = []
    in_flight = 0
    tasks: set[asyncio.Task[None]] = set()

    async def one(index: int, due: float) -> None:
        nonlocal in_flight
        connection = idle.pop() if idle else None
        reused = connection is not None
        request = make_request(index)

        async def exchange() -> int:
            nonlocal connection
            if connection is None:
                connection = await Connection.open(host, port)
            return await connection.exchange(request)

        try:
            status = await asyncio.wait_for(exchange(), timeout)
        except FAILED as error:
            status = TIMEOUT_STATUS
            result.failures[failure(error, connected=connection is not None, reused=reused)] += 1
            if connection is not None:
                connection.close()
        finally:
            in_flight -= 1
        result.outcomes.append(Outcome(due, time.perf_counter() - due, status))
        if connection is not None and connection.usable:
            idle.append(connection)

    total = int(rate * seconds)
    result.started = start = time.perf_counter()
    cpu = time.process_time()
    for index in range(total):
        due = start + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if in_flight >= max_in_flight:
            result.not_sent += 1
            continue
        in_flight += 1
        task = asyncio.create_task(one(index, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    result.finished = time.perf_counter()
    result.client_cpu_seconds = time.process_time() - cpu
    for connection in idle:
        with contextlib.suppress(Exception):
            connection.close()
    return result
