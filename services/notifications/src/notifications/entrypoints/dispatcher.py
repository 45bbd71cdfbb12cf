"""The loop that sends due messages: woken when one is queued, and polling as a backstop."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import structlog

from notifications.handlers import sending
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.dispatcher")

FINISH_PASS_SECONDS = 10.0
"""How long a stopping service lets the pass in progress finish: a message cut off after its
hand-over waits for this process's restart (and its journal) to be settled, so stopping should
not cut one."""


class Dispatcher:
    def __init__(self, *, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self._woken = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._woken.set()

    async def run(self, ctx: Context) -> None:
        while not self._stopping:
            self._woken.clear()
            try:
                await sending.dispatch_due(ctx)
            except Exception as error:  # the store may be away; the next pass tries again
                log.warning("dispatch pass failed", error=repr(error))
            if self._stopping:
                return
            with suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self.poll_seconds)

    @asynccontextmanager
    async def running(self, ctx: Context) -> AsyncIterator[None]:
        self._stopping = False
        task = asyncio.create_task(self.run(ctx), name="notifications-dispatcher")
        try:
            yield
        finally:
            self._stopping = True
            self._woken.set()
            finished, _ = await asyncio.wait({task}, timeout=FINISH_PASS_SECONDS)
            if not finished:
                log.warning("dispatch pass still running at stop; cancelling it")
                task.cancel()
            with suppress(asyncio.CancelledError):
                await task
