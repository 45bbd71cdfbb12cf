"""Declaring a service's exchanges and queues (together_kit.messaging.topology) when it starts,
and living with the queues an earlier version declared.

Before `<service>.direct` existed, a service's queues dead-lettered through the default exchange
(`x-dead-letter-exchange: ""`). A queue's arguments cannot change once it exists: declaring it with
others fails (PRECONDITION_FAILED). Such a queue is kept as it is: taken without declaring it,
bound to `<service>.direct` like the others, and it goes on working, because RabbitMQ dead-letters
on its own authority (only declaring a queue that dead-letters through an exchange needs the right
to write to that exchange). A warning names each one; deploy/README.md says how to declare it
anew once it is empty, which is tidiness, not a repair.

This runs on a connection of its own, before the broker's subscribers start: a refused declaration
closes its channel, which must not be one the service goes on using. The subscribers then take
their queue as it is (`ConsumerTopology.queue(declare=False)`).
"""

from collections.abc import Sequence

import aio_pika
from aio_pika.abc import AbstractConnection, AbstractExchange, AbstractQueue
from aio_pika.exceptions import ChannelPreconditionFailed
from faststream.rabbit import RabbitExchange, RabbitQueue

from together_kit.messaging.topology import EVENTS, ConsumerTopology, dead_queue, service_exchange

CONNECT_TIMEOUT_SECONDS = 10.0
OPERATOR_CONNECT_SECONDS = 30.0
"""The operator's commands (`together dlq replay`, `together erasures reapply`) wait longer for a
busy broker than a starting service does: a refused command has to be run again by hand."""


async def declare_topology(
    url: str, service: str, consumers: Sequence[ConsumerTopology]
) -> list[str]:
    """Declare `together.events`, `<service>.direct` and the service's queues, and bind them;
    return the names of the queues kept with the arguments an earlier version gave them."""
    connection = await aio_pika.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
    kept: list[str] = []
    try:
        await _exchange(connection, EVENTS)
        own = await _exchange(connection, service_exchange(service))
        queues = [dead_queue(service)]
        for topology in consumers:
            queues += [topology.queue(topology.routing_keys[0]), topology.retry_queue()]
        for queue in queues:
            declared = await _queue(connection, queue, kept=kept)
            await declared.bind(own, routing_key=queue.name)
        for topology in consumers:
            main = await (await connection.channel()).get_queue(topology.name)
            for key in topology.routing_keys:
                await main.bind(EVENTS.name, routing_key=key)
    finally:
        await connection.close()
    return kept


async def _exchange(connection: AbstractConnection, exchange: RabbitExchange) -> AbstractExchange:
    channel = await connection.channel()
    return await channel.declare_exchange(
        exchange.name, type=exchange.type.value, durable=exchange.durable
    )


async def _queue(
    connection: AbstractConnection, queue: RabbitQueue, *, kept: list[str]
) -> AbstractQueue:
    try:
        channel = await connection.channel()
        return await channel.declare_queue(
            queue.name, durable=queue.durable, arguments=queue.arguments
        )
    except ChannelPreconditionFailed:  # declared before with other arguments: keep it
        kept.append(queue.name)
        channel = await connection.channel()
        return await channel.get_queue(queue.name, ensure=True)
