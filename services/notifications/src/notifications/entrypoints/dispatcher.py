"""The loop that sends due messages: woken when one is queued, and polling as a backstop."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import structlog

from notifications.handlers import delivery
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.dispatcher")


class Dispatcher:
    def __init__(self, *, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self._woken = asyncio.Event()

    def wake(self) -> None:
        self._woken.set()

    async def run(self, ctx: Context) -> None:
        while True:
            self._woken.clear()
            try:
                await delivery.dispatch_due(ctx)
            except Exception as error:  # the store may be away; the next pass tries again
                log.warning("dispatch pass failed", error=repr(error))
            with suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self.poll_seconds)

    @asynccontextmanager
    async def running(self, ctx: Context) -> AsyncIterator[None]:
        task = asyncio.create_task(self.run(ctx), name="notifications-dispatcher")
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
