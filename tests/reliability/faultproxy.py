"""A small TCP fault proxy: a flaky network between one service and RabbitMQ or the store.

`FaultProxy(target_host, target_port)` listens on a free local port and forwards every
connection to the target. Faults are toggled at runtime from any thread:

- `latency = 0.2`: every chunk, both ways, waits that long before it is forwarded;
- `reset()`: every open connection is closed abruptly (RST), as a broken link would;
- `stall = True`: new connections are accepted but nothing is forwarded either way, and
  open ones stop forwarding too (a black hole: the peer only notices by its own timeouts);
- `refuse = True`: new connections are accepted and closed at once.

The proxy runs its own event loop in a background thread, so a test's blocking calls never
slow the traffic down, and the test's own loop never shares its time with the proxy's.
"""

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

CHUNK = 64 * 1024


@dataclass(eq=False)
class _Link:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    tasks: list["asyncio.Task[None]"] = field(default_factory=list)


class FaultProxy:
    def __init__(self, target_host: str, target_port: int, *, listen_port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.latency = 0.0
        self.stall = False
        self.refuse = False
        self.connections_total = 0
        self.resets_total = 0
        self._listen_port = listen_port
        self._links: set[_Link] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    # --- lifecycle (from the test's thread) ---------------------------------------------------

    @property
    def port(self) -> int:
        assert self._server is not None, "start the proxy first"
        return int(self._server.sockets[0].getsockname()[1])

    def url(self, original: str) -> str:
        """`original` (amqp:// or mongodb:// at the target) rewritten to go through the proxy."""
        host, port = self.target
        return original.replace(f"{host}:{port}", f"127.0.0.1:{self.port}", 1)

    def start(self) -> "FaultProxy":
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- faults (from any thread) -------------------------------------------------------------

    def reset(self) -> int:
        """Abort every open connection (RST); returns how many were cut."""
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(self._reset_all(), self._loop)
        return future.result(10)

    @contextlib.contextmanager
    def stalled(self) -> Iterator[None]:
        self.stall = True
        try:
            yield
        finally:
            self.stall = False

    @property
    def open_connections(self) -> int:
        return len(self._links)

    # --- the proxy (its own thread and loop) --------------------------------------------------

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._server = loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", self._listen_port)
        )
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        await self._reset_all()

    async def _reset_all(self) -> int:
        links = list(self._links)
        for link in links:
            for writer in (link.client, link.upstream):
                if writer is not None:
                    _abort(writer)
            for task in link.tasks:
                task.cancel()
        self._links.difference_update(links)
        self.resets_total += len(links)
        return len(links)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections_total += 1
        if self.refuse:
            _abort(writer)
            return
        link = _Link(client=writer)
        self._links.add(link)
        try:
            # accepted, but the upstream is not even dialled yet (`stall` is set from another
            # thread, so it is polled rather than awaited as an asyncio.Event)
            while self.stall:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except (OSError, asyncio.CancelledError):
            _abort(writer)
            self._links.discard(link)
            return
        link.upstream = up_writer
        link.tasks = [
            asyncio.create_task(self._pipe(reader, up_writer, link)),
            asyncio.create_task(self._pipe(up_reader, writer, link)),
        ]
        await asyncio.gather(*link.tasks, return_exceptions=True)
        self._links.discard(link)
        for side in (writer, up_writer):
            with contextlib.suppress(Exception):
                side.close()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: _Link
    ) -> None:
        try:
            while data := await reader.read(CHUNK):
                while self.stall:  # noqa: ASYNC110 (set from another thread)
                    await asyncio.sleep(0.05)
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for task in link.tasks:  # one side gone: take the other down with it
                if task is not asyncio.current_task():
                    task.cancel()
            with contextlib.suppress(Exception):
                writer.close()


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close with RST rather than FIN, as a dropped link or a crashed middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport = writer.transport
    with contextlib.suppress(Exception):
        transport.abort()
