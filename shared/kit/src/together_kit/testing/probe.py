"""A throwaway queue on `together.events` that records what the system publishes."""

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from together_contracts import IntegrationEvent

from together_kit.messaging.topology import EVENTS
from together_kit.testing.waiting import eventually


@dataclass
class EventProbe:
    messages: list[AbstractIncomingMessage] = field(default_factory=list)

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(message.body) for message in self.messages]

    async def wait_for(self, count: int, *, timeout: float = 20.0) -> list[dict[str, Any]]:
        async def seen() -> int:
            return len(self.messages)

        await eventually(seen, until=lambda n: n >= count, timeout=timeout, what=f"{count} events")
        return self.events


@asynccontextmanager
async def event_probe(url: str, routing_keys: Sequence[str] = ("#",)) -> AsyncIterator[EventProbe]:
    probe = EventProbe()
    connection = await aio_pika.connect_robust(url)
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            EVENTS.name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for key in routing_keys:
            await queue.bind(exchange, routing_key=key)

        async def record(message: AbstractIncomingMessage) -> None:
            probe.messages.append(message)
            await message.ack()

        await queue.consume(record)
        yield probe
    finally:
        await connection.close()


async def publish_raw(
    url: str, body: bytes, *, routing_key: str, message_id: str | None = None, **properties: Any
) -> None:
    """Publish bytes to `together.events` as a producer would, well-formed or not."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            EVENTS.name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        await exchange.publish(
            _message(body, routing_key, message_id, **properties), routing_key=routing_key
        )
    finally:
        await connection.close()


def _message(
    body: bytes, routing_key: str, message_id: str | None, **properties: Any
) -> aio_pika.Message:
    return aio_pika.Message(
        body,
        message_id=message_id,
        type=routing_key,
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        **properties,
    )


async def publish_events(url: str, events: Sequence[IntegrationEvent]) -> None:
    """Publish many envelopes over one connection, confirms pipelined, as a relay would."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            EVENTS.name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        await asyncio.gather(
            *(
                exchange.publish(
                    _message(
                        event.model_dump_json().encode(),
                        event.type,
                        str(event.id),
                        correlation_id=event.correlation_id,
                    ),
                    routing_key=event.type,
                )
                for event in events
            )
        )
    finally:
        await connection.close()


async def read_queue(url: str, queue_name: str) -> list[AbstractIncomingMessage]:
    """Take every message now in a queue, acknowledging them (for dead-letter assertions)."""
    connection = await aio_pika.connect(url)
    taken: list[AbstractIncomingMessage] = []
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name, ensure=True)
        while (message := await queue.get(fail=False, no_ack=False)) is not None:
            await message.ack()
            taken.append(message)
    finally:
        await connection.close()
    return taken


async def publish_event(url: str, event: IntegrationEvent, *, body: bytes | None = None) -> None:
    """Publish an envelope as a service's relay would; `body` replaces it to send something broken."""
    await publish_raw(
        url,
        event.model_dump_json().encode() if body is None else body,
        routing_key=event.type,
        message_id=str(event.id),
        correlation_id=event.correlation_id,
    )
