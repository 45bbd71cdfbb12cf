"""Inspect, replay and purge a service's dead letters (`<service>.dead`, docs/adr/0003-messaging.md).

The operator commands are `together dlq list|show|replay|purge --service NAME` (together_kit.cli);
`together-deadletters` is the same command group under its old name. This module holds the logic
and imports nothing of the CLI.

Reading never consumes: every message is fetched unacknowledged, all of them before any is handed
back, then requeued. Replay publishes a message back to the queue that failed it (the queue bound to
`together.events` by the event's original routing key), through the service's own exchange
`<service>.direct` (together_kit.messaging.topology; never the default exchange, so it needs no
more rights than the service has and reaches no other service's queue) with its body and
properties, minus the headers that record its failure: only the consumer that failed receives it
again; the others already processed the event. Its dead letter is acknowledged only once the broker has confirmed
that publish (a queue the exchange does not reach is an error, never a silent loss). Purge
acknowledges the chosen dead letters and requeues the rest.

Replay checks the service's tombstones (together_kit.erasure) when it is given them, as `together
dlq replay` does: a dead letter about a person the service has since erased is dropped (acknowledged
and not republished), so an erasure is never undone by a replay.

Replay is idempotent: the consumer guard records an event id in its inbox only after the handler
succeeded, so a dead-lettered event takes effect once when replayed, and a second replay of the same
event id (a duplicate dead letter, or the same event replayed again) is skipped as a duplicate.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractIncomingMessage
from aio_pika.exceptions import AMQPError, ChannelNotFoundEntity

from together_kit.messaging.declaring import OPERATOR_CONNECT_SECONDS
from together_kit.messaging.topology import dead_letter_queue_name, service_exchange

DEFAULT_URL = "amqp://guest:guest@localhost:5672/"
_FAILURE_HEADERS = ("x-error", "x-attempt", "x-last-error", "x-dead-lettered-at", "x-original-")
_DEATH_HEADERS = ("x-death", "x-first-death-", "x-last-death-", "x-delivery-count")


class DeadLetterError(Exception):
    """A lookup, replay or purge that cannot be done as asked (nothing was changed)."""


class BrokerUnreachableError(DeadLetterError):
    """RabbitMQ did not accept a connection."""


@dataclass(frozen=True)
class DeadLetter:
    event_id: str
    event_type: str
    original_queue: str | None
    original_routing_key: str | None
    attempts: int | None
    error: str
    dead_lettered_at: str
    headers: dict[str, Any]
    body: bytes
    content_type: str | None = None


def redacted(url: str) -> str:
    """The broker address without its credentials, for messages."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}:{parts.port or 5672}{parts.path or '/'}"


async def _own_exchange(channel: AbstractChannel, service: str) -> AbstractExchange:
    name = service_exchange(service).name
    try:
        return await channel.get_exchange(name, ensure=True)
    except ChannelNotFoundEntity as error:
        raise DeadLetterError(
            f"no exchange {name}: start {service!r} once with this version (it declares it)"
        ) from error


@asynccontextmanager
async def _borrowed(
    url: str, service: str
) -> AsyncIterator[tuple[AbstractChannel, list[AbstractIncomingMessage]]]:
    """Every message now in the dead queue, unacknowledged; those not acked are requeued on exit."""
    try:
        connection = await aio_pika.connect(url, timeout=OPERATOR_CONNECT_SECONDS)
    except (TimeoutError, AMQPError, OSError) as error:
        raise BrokerUnreachableError(
            f"cannot reach RabbitMQ at {redacted(url)}: {error}"
        ) from error
    try:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        name = dead_letter_queue_name(service)
        try:
            queue = await channel.get_queue(name, ensure=True)
        except ChannelNotFoundEntity as error:
            raise DeadLetterError(
                f"no queue {name}: is {service!r} a service that has started once?"
            ) from error
        messages: list[AbstractIncomingMessage] = []
        try:
            while (message := await queue.get(no_ack=False, fail=False)) is not None:
                messages.append(message)
            yield channel, messages
        finally:
            for message in messages:
                if not message.processed:
                    await message.nack(requeue=True)
    finally:
        await connection.close()


def _latest_death(headers: dict[str, Any]) -> dict[str, Any]:
    deaths = headers.get("x-death")
    latest = deaths[0] if isinstance(deaths, list) and deaths else None
    return latest if isinstance(latest, dict) else {}


def _original_queue(headers: dict[str, Any]) -> str | None:
    """The guard names it; otherwise the latest death is the queue that gave up on the message
    (the first death may be an expiry in its `.retry` queue)."""
    candidates = (
        headers.get("x-original-queue"),
        _latest_death(headers).get("queue"),
        headers.get("x-first-death-queue"),
    )
    return next((str(c) for c in candidates if c), None)


def _original_routing_key(message: AbstractIncomingMessage, headers: dict[str, Any]) -> str | None:
    keys = _latest_death(headers).get("routing-keys")
    candidates = (
        headers.get("x-original-routing-key"),
        message.type,
        keys[0] if isinstance(keys, list) and keys else None,
    )
    return next((str(c) for c in candidates if c), None)


def _attempts(headers: dict[str, Any]) -> int | None:
    for value in (
        headers.get("x-attempts"),
        headers.get("x-delivery-count"),
        _latest_death(headers).get("count"),
    ):
        if isinstance(value, int):
            return value
    return None


def _event_id(message: AbstractIncomingMessage) -> str:
    return message.message_id or ""


def _describe(message: AbstractIncomingMessage) -> DeadLetter:
    headers = dict(message.headers or {})
    latest = _latest_death(headers)
    error = headers.get("x-error") or headers.get("x-last-error")
    at = headers.get("x-dead-lettered-at") or latest.get("time") or ""
    return DeadLetter(
        event_id=_event_id(message),
        event_type=str(message.type or headers.get("x-original-routing-key") or ""),
        original_queue=_original_queue(headers),
        original_routing_key=_original_routing_key(message, headers),
        attempts=_attempts(headers),
        error=str(error or f"dead-lettered by RabbitMQ ({latest.get('reason', 'unknown')})"),
        dead_lettered_at=at.isoformat() if isinstance(at, datetime) else str(at),
        headers=headers,
        body=message.body,
        content_type=message.content_type,
    )


def _choose(
    service: str, messages: list[AbstractIncomingMessage], event_ids: set[str] | None
) -> list[AbstractIncomingMessage]:
    """The messages with these event ids (every message for None); an id not there is an error."""
    chosen = [m for m in messages if event_ids is None or _event_id(m) in event_ids]
    missing = (event_ids or set()) - {_event_id(m) for m in chosen}
    if missing:
        raise DeadLetterError(
            f"not in {dead_letter_queue_name(service)}: {', '.join(sorted(missing))}"
        )
    return chosen


async def list_dead(url: str, service: str) -> list[DeadLetter]:
    """Every dead letter of a service, oldest first; none is consumed."""
    async with _borrowed(url, service) as (_, messages):
        return [_describe(message) for message in messages]


async def show(url: str, service: str, event_id: str) -> DeadLetter:
    """The dead letter with this event id (the first, if the broker holds it twice)."""
    async with _borrowed(url, service) as (_, messages):
        return _describe(_choose(service, messages, {event_id})[0])


def _replayable(message: AbstractIncomingMessage) -> aio_pika.Message:
    headers = {
        name: value
        for name, value in (message.headers or {}).items()
        if not name.startswith(_FAILURE_HEADERS + _DEATH_HEADERS)
    }
    headers["x-replayed-at"] = datetime.now(UTC).isoformat()
    return _copy(message, headers=headers)


def _copy(
    message: AbstractIncomingMessage,
    *,
    headers: dict[str, Any],
    expiration: timedelta | None = None,
) -> aio_pika.Message:
    """The same message, persistent, with these headers (and an expiry, if given)."""
    return aio_pika.Message(
        message.body,
        headers=headers,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        correlation_id=message.correlation_id,
        message_id=message.message_id,
        timestamp=message.timestamp,
        type=message.type,
        app_id=message.app_id,
        expiration=expiration,
    )


async def replay(url: str, service: str, event_ids: set[str] | None) -> int:
    """Replay the dead letters with these event ids (all of them for None) to the queue that failed
    each; return how many. Nothing is replayed if an id is not there or a queue is unknown."""
    replayed, _ = await replay_checked(url, service, event_ids, about_erased=None)
    return replayed


AboutErased = Callable[[bytes], Awaitable[bool]]
"""Whether a message body is about an erased person (together_kit.erasure.Tombstones.covers)."""


async def replay_checked(
    url: str, service: str, event_ids: set[str] | None, *, about_erased: AboutErased | None
) -> tuple[int, list[str]]:
    """`replay`, except that a dead letter `about_erased` says is about an erased person is
    dropped instead; return how many were replayed and the event ids dropped."""
    async with _borrowed(url, service) as (channel, messages):
        chosen = _choose(service, messages, event_ids)
        targets = [(m, _original_queue(dict(m.headers or {})) or "") for m in chosen]
        if lost := [_event_id(m) or "?" for m, queue in targets if not queue]:
            raise DeadLetterError(f"original queue unknown for: {', '.join(lost)}")
        exchange = await _own_exchange(channel, service)
        replayed = 0
        dropped: list[str] = []
        for message, queue in targets:
            if about_erased is not None and await about_erased(message.body):
                await message.ack()
                dropped.append(_event_id(message) or "?")
                continue
            await exchange.publish(_replayable(message), routing_key=queue)
            await message.ack()
            replayed += 1
        return replayed, dropped


Confirm = Callable[[list[DeadLetter]], bool]


async def purge(
    url: str, service: str, event_ids: set[str] | None, confirm: Confirm | None = None
) -> int:
    """Drop the dead letters with these event ids (all of them for None); return how many.

    `confirm` sees exactly the dead letters that would go, while they are held, and may refuse
    (it runs in a worker thread, so it may prompt); then nothing is dropped and 0 is returned."""
    async with _borrowed(url, service) as (_, messages):
        chosen = _choose(service, messages, event_ids)
        if not chosen:
            return 0
        if confirm is not None and not await asyncio.to_thread(
            confirm, [_describe(m) for m in chosen]
        ):
            return 0
        for message in chosen:
            await message.ack()
        return len(chosen)


def _dead_since(headers: dict[str, Any]) -> datetime | None:
    """When the message was dead-lettered: the guard's header, or RabbitMQ's latest death."""
    at = headers.get("x-dead-lettered-at") or _latest_death(headers).get("time")
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return None
    if not isinstance(at, datetime):
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _with_expiration(message: AbstractIncomingMessage, left: timedelta) -> aio_pika.Message:
    return _copy(message, headers=dict(message.headers or {}), expiration=left)


async def expire_unstamped(
    url: str, service: str, *, ttl: timedelta, now: datetime | None = None
) -> tuple[int, int]:
    """Give each dead letter that has no expiration the rest of its `ttl`, counted from when it was
    dead-lettered, and drop those older than `ttl`; return (dropped, stamped).

    For dead letters the per-message expiration does not reach: those from before
    `dead_letter_ttl_days` existed, and those RabbitMQ dead-lettered itself (it strips the
    expiration). Each is published again with an expiration, then its old copy acknowledged, so a
    crash in between leaves a duplicate (replay is idempotent), never a loss. Dead letters that
    have an expiration are handed back untouched."""
    moment = now or datetime.now(UTC)
    dropped = stamped = 0
    async with _borrowed(url, service) as (channel, messages):
        exchange = await _own_exchange(channel, service)
        for message in messages:
            if message.expiration is not None:
                continue
            left = ttl - (moment - (_dead_since(dict(message.headers or {})) or moment))
            if left > timedelta(0):
                await exchange.publish(
                    _with_expiration(message, left), routing_key=dead_letter_queue_name(service)
                )
                stamped += 1
            else:
                dropped += 1
            await message.ack()
    return dropped, stamped
