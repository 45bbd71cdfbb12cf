"""The loop that sends due messages: woken when one is queued, and polling as a backstop; and
the sender of messages recorded already claimed by this process (`handlers.delivery`)."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import structlog

from notifications.domain.messages import Message
from notifications.handlers import sending
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.dispatcher")

FINISH_PASS_SECONDS = 10.0
"""How long a stopping service lets the pass in progress finish: a message cut off after its
hand-over waits for this process's restart (and its journal) to be settled, so stopping should
not cut one."""


class Dispatcher:
    def __init__(self, *, poll_seconds: float, senders: int = 1) -> None:
        self.poll_seconds = poll_seconds
        self._woken = asyncio.Event()
        self._stopping = True
        self._ctx: Context | None = None
        self._places = asyncio.Semaphore(senders)
        """One per SMTP connection, shared by the consumer's sends and the dispatcher's passes,
        each held from a message's claim (or, for the lines' first messages claimed a group
        ahead, from the moment it goes) until its channel is done with it (`sending.Place`): so
        no claim waits behind other transactions long enough for the reconciler to think its
        sender died (`claim_stale_seconds`). A consumer with no place free waits; the broker
        holds the rest of its events."""
        self._sends: set[asyncio.Task[None]] = set()

    async def reserve(self) -> bool:
        if self._stopping:
            return False
        await self._places.acquire()
        if self._stopping:
            self._places.release()
            return False
        return True

    def release(self) -> None:
        self._places.release()

    def send(self, message: Message) -> None:
        assert self._ctx is not None, "reserve first"
        task = asyncio.create_task(self._send(message, self._ctx), name=f"send-{message.key}")
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    async def _send(self, message: Message, ctx: Context) -> None:
        place = sending.Place(self._places, held=True)
        try:
            await sending.send_claimed(
                message, ctx, now=message.sending_at or ctx.clock(), place=place
            )
        except Exception as error:  # not handed over: given back, or the reconciler's to give back
            log.warning("sending failed", key=message.key, error=repr(error))
        finally:
            place.free()

    def wake(self) -> None:
        self._woken.set()

    async def run(self, ctx: Context) -> None:
        while not self._stopping:
            self._woken.clear()
            try:
                await sending.dispatch_due(ctx, places=self._places)
            except Exception as error:  # the store may be away; the next pass tries again
                log.warning("dispatch pass failed", error=repr(error))
            if self._stopping:
                return
            with suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self.poll_seconds)

    @asynccontextmanager
    async def running(self, ctx: Context) -> AsyncIterator[None]:
        self._stopping = False
        self._ctx = ctx
        task = asyncio.create_task(self.run(ctx), name="notifications-dispatcher")
        try:
            yield
        finally:
            self._stopping = True
            self._woken.set()
            running = {task, *self._sends}
            _, unfinished = await asyncio.wait(running, timeout=FINISH_PASS_SECONDS)
            if unfinished:
                log.warning("sends still running at stop; cancelling them", count=len(unfinished))
            for left in unfinished:
                left.cancel()
            for left in running:
                with suppress(asyncio.CancelledError):
                    await left
