"""The guard around every consumer: context, inbox, retries with backoff, dead letters.

Declared, not defaulted (docs/adr/0003-messaging.md): subscribers use `AckPolicy.NACK_ON_ERROR`,
and this middleware turns every handler failure into a decision of its own before FastStream sees it:

- an event that cannot be read (bad JSON, fails validation, unknown version) or raises
  `PermanentError` goes straight to `<service>.dead` with the error in its headers;
- any other handler error is retried through `<queue>.retry` with exponential backoff, up to
  `max_attempts`, then dead-lettered the same way;
- a handler that raises `AlreadyHandled` (its write keyed by the event id found it done) counts
  as a duplicate;
- a store or broker outage is not the event's fault: the message is requeued after a pause, with
  RabbitMQ's `x-delivery-limit` as the backstop.

Nothing waits in `.retry` or `.dead` longer than `dead_letter_ttl_days` (default 14): each message
moved there carries a per-message `expiration`, and the broker drops it once that has passed (it
is never delivered, listed or replayed after). A per-message TTL, not a queue argument, because
queues that already exist cannot be redeclared with other arguments (PRECONDITION_FAILED), and
no policy is needed. A message RabbitMQ dead-letters itself (`x-delivery-limit`) loses its
expiration on the way, so the guard dead-letters a message itself on its last delivery before
that limit; dead letters without an expiration (from before the setting) are given one, or
dropped if older than the TTL, when the service starts (`deadletters.expire_unstamped`).

The original message is acknowledged only after its retry or dead letter is confirmed, so a crash
in between duplicates it (absorbed by the inbox) and never loses it.
"""

import asyncio
import functools
import json
import time
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from aio_pika.exceptions import AMQPError
from faststream import BaseMiddleware
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, RabbitBroker, RabbitRouter
from pydantic import TypeAdapter, ValidationError
from pymongo.errors import ConnectionFailure

from together_kit.messaging.inbox import Inbox
from together_kit.messaging.topology import EVENTS, ConsumerTopology
from together_kit.metrics import Metrics

log = structlog.get_logger("together.consumer")

ERROR_HEADER_LIMIT = 2000


class PermanentError(Exception):
    """Raised by a handler for an event that no retry can make succeed."""


class AlreadyHandled(Exception):  # noqa: N818 (an outcome, not a failure)
    """Raised by a keyed handler (`subscriptions.keyed`) whose write found this event done."""


class DeliveryLimitError(Exception):
    """Delivered so often without an outcome (its consumer died each time, or the store was down)
    that the next failure would let RabbitMQ dead-letter it itself, without an expiration."""

    def __init__(self, delivered: int) -> None:
        super().__init__(f"delivered {delivered + 1} times without an outcome")


_UNREADABLE = (ValidationError, json.JSONDecodeError, UnicodeDecodeError, PermanentError)
_OUTAGES = (ConnectionFailure, AMQPError, ConnectionError, TimeoutError)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    backoff_seconds: float
    backoff_max_seconds: float
    dead_letter_ttl_seconds: float | None = None
    """How long a message may wait in a `.retry` or `.dead` queue (`dead_letter_ttl_days`)."""

    def delay(self, attempt: int) -> float:
        delay = float(min(self.backoff_seconds * 2 ** (attempt - 1), self.backoff_max_seconds))
        return min(delay, self.dead_letter_ttl_seconds or delay)


@dataclass
class ConsumerGuard:
    """A FastStream middleware factory for one consumer queue."""

    topology: ConsumerTopology
    broker: Callable[[], RabbitBroker]
    inbox: Inbox
    metrics: Metrics
    retry: RetryPolicy
    keyed: frozenset[str] = frozenset()
    """Event types whose handlers' writes are keyed by the event id: no separate inbox record."""

    def __call__(self, msg: Any, /, **kwargs: Any) -> BaseMiddleware:
        return _Guarded(msg, guard=self, **kwargs)

    async def forward(
        self,
        msg: StreamMessage[Any],
        *,
        queue: str,
        headers: dict[str, Any],
        expiration: float | None = None,
    ) -> None:
        """Put the message into one of this service's queues, through the service's exchange."""
        raw = msg.raw_message
        await self.broker().publish(
            raw.body,
            exchange=self.topology.exchange,
            routing_key=queue,
            headers={**(raw.headers or {}), **headers},
            message_id=raw.message_id,
            correlation_id=raw.correlation_id,
            message_type=raw.type,
            content_type=raw.content_type,
            expiration=expiration,
            persist=True,
        )


class _Guarded(BaseMiddleware):
    def __init__(self, msg: Any, /, *, guard: ConsumerGuard, **kwargs: Any) -> None:
        super().__init__(msg, **kwargs)
        self.guard = guard

    async def consume_scope(
        self, call_next: Callable[[Any], Awaitable[Any]], msg: StreamMessage[Any]
    ) -> Any:
        raw = msg.raw_message
        queue = self.guard.topology.name
        event_id = str(raw.message_id or "")
        event_type = str(raw.type or raw.routing_key or "")
        attempt = int((raw.headers or {}).get("x-attempt", 1))
        structlog.contextvars.bind_contextvars(
            event_id=event_id,
            event_type=event_type,
            correlation_id=raw.correlation_id,
            queue=queue,
            attempt=attempt,
        )
        started = time.perf_counter()
        try:
            outcome = await self._process(
                call_next,
                msg,
                queue=queue,
                event_id=event_id,
                event_type=event_type,
                attempt=attempt,
            )
            self.guard.metrics.consumed.labels(queue, event_type, outcome).inc()
            log.info(
                "event consumed",
                outcome=outcome,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
        finally:
            structlog.contextvars.unbind_contextvars(
                "event_id", "event_type", "correlation_id", "queue", "attempt"
            )

    async def _process(
        self,
        call_next: Callable[[Any], Awaitable[Any]],
        msg: StreamMessage[Any],
        *,
        queue: str,
        event_id: str,
        event_type: str,
        attempt: int,
    ) -> str:
        guard = self.guard
        delivered = int((msg.raw_message.headers or {}).get("x-delivery-count", 0) or 0)
        if delivered >= guard.topology.delivery_limit - 1:
            await self._dead_letter(msg, DeliveryLimitError(delivered), attempt)
            return "dead"
        inboxed = bool(event_id) and event_type not in guard.keyed
        try:
            if inboxed and await guard.inbox.seen(consumer=queue, event_id=event_id):
                return "duplicate"
            await call_next(msg)
            if inboxed:
                await guard.inbox.record(consumer=queue, event_id=event_id, event_type=event_type)
            return "processed"
        except AlreadyHandled:
            return "duplicate"
        except _UNREADABLE as error:
            await self._dead_letter(msg, error, attempt)
            return "dead"
        except _OUTAGES as error:
            log.warning("dependency unavailable; requeueing", error=repr(error))
            await asyncio.sleep(guard.retry.backoff_seconds)
            raise
        except Exception as error:
            guard.metrics.failed.labels(queue, event_type).inc()
            if attempt >= guard.retry.max_attempts:
                await self._dead_letter(msg, error, attempt)
                return "dead"
            delay = guard.retry.delay(attempt)
            log.warning("handler failed; retrying", error=repr(error), retry_in_s=delay)
            await guard.forward(
                msg,
                queue=guard.topology.retry_name,
                expiration=delay,
                headers={"x-attempt": attempt + 1, "x-last-error": _describe(error)},
            )
            return "retried"

    async def _dead_letter(
        self, msg: StreamMessage[Any], error: BaseException, attempt: int
    ) -> None:
        log.error("event dead-lettered", error=_describe(error))
        await self.guard.forward(
            msg,
            queue=self.guard.topology.dead_name,
            expiration=self.guard.retry.dead_letter_ttl_seconds,
            headers={
                "x-error": _describe(error),
                "x-error-type": type(error).__name__,
                "x-original-queue": self.guard.topology.name,
                "x-original-routing-key": msg.raw_message.type or msg.raw_message.routing_key or "",
                "x-attempts": attempt,
                "x-dead-lettered-at": datetime.now(UTC).isoformat(),
            },
        )


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_HEADER_LIMIT]


EventHandler = Callable[[Any], Awaitable[None]]


@dataclass
class Consumer:
    """One consumer queue: its topology and the router (guarded) whose subscribers read it."""

    topology: ConsumerTopology
    router: RabbitRouter
    prefetch: int

    def subscriber(self) -> Callable[[EventHandler], EventHandler]:
        """Use as `@consumer.subscriber()` above a handler whose one parameter is the event model
        (or a union of them): the body is validated against it (`validating`)."""

        def register(handler: EventHandler) -> EventHandler:
            self.router.subscriber(
                self.topology.queue(self.topology.routing_keys[0], declare=False),
                EVENTS,
                ack_policy=AckPolicy.NACK_ON_ERROR,
                channel=Channel(prefetch_count=self.prefetch),
                decoder=_body,
            )(validating(handler))
            return handler

        return register


async def _body(msg: StreamMessage[Any]) -> bytes:
    return msg.body


def validating(handler: EventHandler) -> Callable[[bytes], Awaitable[None]]:
    """The handler, called with its event validated by pydantic straight from the message's JSON.

    The services' broker has FastStream's dependency injection off (`apply_types=False`): it
    would parse the JSON, build the handler's arguments and validate them through a call model
    for every message, to inject nothing but the event (docs/adr/0003-messaging.md). The wrapper
    keeps the handler's signature (`__wrapped__`), from which FastStream still names the event in
    the AsyncAPI document. A body that is not valid JSON or not a valid event raises
    `ValidationError`: dead-lettered by the guard."""
    hints = typing.get_type_hints(handler, include_extras=True)
    hints.pop("return", None)
    (model,) = hints.values()
    event = TypeAdapter(model)

    @functools.wraps(handler)
    async def validated(body: bytes) -> None:
        await handler(event.validate_json(body))

    return validated
