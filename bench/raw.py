"""The raw hops each limit is made of, measured with the same clients the services use."""

import asyncio
import functools
import json
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aio_pika
import aiosmtplib
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, QueueType, RabbitBroker, RabbitQueue
from pymongo import AsyncMongoClient, UpdateOne
from together_contracts import IntegrationEvent
from together_kit.dev.stack import free_port, wait_for_port
from together_kit.grouping import GroupWrite, insert_each
from together_kit.messaging.topology import EVENTS

from bench.stack import LaunchedService

Document = dict[str, Any]
PUBLISH_WINDOW = 256
"""Confirmed publishes in flight at once when pipelining."""


def mongo_client(url: str) -> AsyncMongoClient[Document]:
    """Built like the services' (`together_kit.mongo.connect`)."""
    return AsyncMongoClient(url, tz_aware=True, uuidRepresentation="standard")


@contextmanager
def bare_app(log_dir: Path, *, shed: bool = False) -> Iterator[LaunchedService]:
    """The tiny FastAPI app of `bench.bare_app` as a process (`shed`: instead, a raw ASGI app
    answering every request 503 at once); yields it ready."""
    port = free_port()
    process = LaunchedService(
        "bare",
        {},
        log_dir,
        port=port,
        command=[
            sys.executable,
            "-m",
            "bench.bare_app",
            "--port",
            str(port),
            *(["--shed"] if shed else []),
        ],
    )
    log_dir.mkdir(parents=True, exist_ok=True)
    process.start()
    try:
        wait_for_port("127.0.0.1", port, timeout=30)
        yield process
    finally:
        process.stop()


def start_bare_app_timed(log_dir: Path) -> tuple[LaunchedService, float]:
    """Start the bare app and time it to its first answer (the floor for start-to-ready)."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    process = LaunchedService(
        "bare",
        {},
        log_dir,
        port=port,
        command=[sys.executable, "-m", "bench.bare_app", "--port", str(port)],
    ).start()
    return process, process.wait_ready(timeout=30)


async def insert_rate(url: str, documents: list[Document], *, concurrency: int) -> float:
    """insert_one of each document from `concurrency` tasks on one client: documents/s."""
    client = mongo_client(url)
    collection = client[f"benchraw{uuid.uuid4().hex[:8]}"]["people"]
    await collection.create_index("email", unique=True)
    queue = iter(documents)

    async def worker() -> None:
        for document in queue:
            await collection.insert_one(dict(document))

    try:
        await collection.insert_one({"_id": "warm-up", "email": "warm@up"})
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    finally:
        await client.drop_database(collection.database.name)
        await client.close()
    return len(documents) / elapsed


async def insert_latencies(url: str, documents: list[Document]) -> list[float]:
    """One insert_one at a time: seconds each."""
    client = mongo_client(url)
    collection = client[f"benchraw{uuid.uuid4().hex[:8]}"]["people"]
    await collection.create_index("email", unique=True)
    took = []
    try:
        for document in documents:
            started = time.perf_counter()
            await collection.insert_one(dict(document))
            took.append(time.perf_counter() - started)
    finally:
        await client.drop_database(collection.database.name)
        await client.close()
    return took


@asynccontextmanager
async def events_exchange(url: str) -> AsyncIterator[tuple[AbstractChannel, AbstractExchange]]:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            EVENTS.name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        yield channel, exchange
    finally:
        await connection.close()


def message(body: bytes, routing_key: str) -> aio_pika.Message:
    return aio_pika.Message(
        body,
        message_id=str(uuid.uuid4()),
        type=routing_key,
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


async def bound_queue(
    channel: AbstractChannel, exchange: AbstractExchange, key: str
) -> AbstractQueue:
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(exchange, routing_key=key)
    return queue


async def publish_many(exchange: AbstractExchange, bodies: list[bytes], key: str) -> float:
    """Confirmed publishes, `PUBLISH_WINDOW` in flight: seconds for all."""
    started = time.perf_counter()
    for start in range(0, len(bodies), PUBLISH_WINDOW):
        window = bodies[start : start + PUBLISH_WINDOW]
        await asyncio.gather(*(exchange.publish(message(b, key), routing_key=key) for b in window))
    return time.perf_counter() - started


async def publish_rate(url: str, bodies: list[bytes]) -> float:
    """P: pipelined confirmed publishes of persistent messages to a bound queue, per second."""
    key = f"bench.raw.{uuid.uuid4().hex[:8]}"
    async with events_exchange(url) as (channel, exchange):
        await bound_queue(channel, exchange, key)
        return len(bodies) / await publish_many(exchange, bodies, key)


async def publish_latencies(url: str, bodies: list[bytes]) -> list[float]:
    """One confirmed publish at a time: seconds each."""
    key = f"bench.raw.{uuid.uuid4().hex[:8]}"
    took = []
    async with events_exchange(url) as (channel, exchange):
        await bound_queue(channel, exchange, key)
        for body in bodies:
            started = time.perf_counter()
            await exchange.publish(message(body, key), routing_key=key)
            took.append(time.perf_counter() - started)
    return took


async def consume_latencies(url: str, bodies: list[bytes]) -> list[float]:
    """Publish one message, wait for it on a consumer: the broker-to-consumer hop, seconds each
    (publish confirm excluded: the publish hop is measured on its own)."""
    key = f"bench.raw.{uuid.uuid4().hex[:8]}"
    took: list[float] = []
    async with events_exchange(url) as (channel, exchange):
        queue = await bound_queue(channel, exchange, key)
        arrived: asyncio.Queue[float] = asyncio.Queue()

        async def on_message(incoming: aio_pika.abc.AbstractIncomingMessage) -> None:
            arrived.put_nowait(time.perf_counter())
            await incoming.ack()

        await queue.consume(on_message)
        for body in bodies:
            confirmed = time.perf_counter()
            await exchange.publish(message(body, key), routing_key=key)
            confirmed = time.perf_counter()
            got = await asyncio.wait_for(arrived.get(), 10)
            took.append(max(0.0, got - confirmed))
    return took


@asynccontextmanager
async def filled_queue(url: str, bodies: list[bytes]) -> AsyncIterator[str]:
    """A quorum queue (as the services' are) holding `bodies`; its name. Deleted after."""
    key = f"bench.raw.{uuid.uuid4().hex[:8]}"
    async with events_exchange(url) as (channel, exchange):
        queue = await channel.declare_queue(
            f"bench.raw.{uuid.uuid4().hex[:8]}", durable=True, arguments={"x-queue-type": "quorum"}
        )
        await queue.bind(exchange, routing_key=key)
        await publish_many(exchange, bodies, key)
        try:
            yield queue.name
        finally:
            await queue.delete(if_unused=False, if_empty=False)


async def consume_rate(url: str, bodies: list[bytes], *, prefetch: int) -> float:
    """Raw aio-pika consume + ack of a queue already holding the messages, per second."""
    async with filled_queue(url, bodies) as name:
        connection = await aio_pika.connect(url)
        try:
            consuming = await connection.channel()
            await consuming.set_qos(prefetch_count=prefetch)
            source = await consuming.get_queue(name)
            done = asyncio.Event()
            count = 0

            async def on_message(incoming: aio_pika.abc.AbstractIncomingMessage) -> None:
                nonlocal count
                json.loads(incoming.body)
                await incoming.ack()
                count += 1
                if count >= len(bodies):
                    done.set()

            started = time.perf_counter()
            await source.consume(on_message)
            await asyncio.wait_for(done.wait(), 120)
            elapsed = time.perf_counter() - started
        finally:
            await connection.close()
    return len(bodies) / elapsed


async def faststream_rate(
    url: str,
    bodies: list[bytes],
    handle: Callable[[dict[str, Any]], Awaitable[None]],
    *,
    prefetch: int,
    timeout: float = 120,
) -> float:
    """`bodies` from a filled quorum queue through a FastStream consumer configured as the
    services' (the kit's broker options, ack policy and prefetch; no dependency injection, as
    `together_kit.runtime` has it) whose handler is `handle`, messages/s until every one is
    handled. The body reaches `handle` parsed from JSON, where a service's handler gets it
    validated as its event model."""
    done = asyncio.Event()
    count = 0
    async with filled_queue(url, bodies) as name:
        broker = RabbitBroker(url, logger=None, apply_types=False)

        @broker.subscriber(
            RabbitQueue(name, durable=True, queue_type=QueueType.QUORUM, declare=False),
            ack_policy=AckPolicy.NACK_ON_ERROR,
            channel=Channel(prefetch_count=prefetch),
        )
        async def counted(body: dict[str, Any]) -> None:
            nonlocal count
            await handle(body)
            count += 1
            if count >= len(bodies):
                done.set()

        started = time.perf_counter()
        await broker.start()
        try:
            await asyncio.wait_for(done.wait(), timeout)
            return len(bodies) / (time.perf_counter() - started)
        finally:
            await broker.stop()


async def framework_floor_rate(
    url: str, mongodb_url: str, bodies: list[bytes], *, prefetch: int
) -> float:
    """A consumer as the services run one, doing only the store work any keyed handler that
    looks something up must do, per second: FastStream with the kit's broker options, ack
    policy and prefetch; per message one insert keyed by its id and one find, each grouped with
    the messages in flight (`together_kit.grouping`); no guard, no service code. What a service
    consumer could reach on this machine if its own code cost nothing."""
    client = mongo_client(mongodb_url)
    database = client[f"bench_floor_{uuid.uuid4().hex[:8]}"]
    kept, looked = database["kept"], database["looked"]
    await kept.insert_one({"_id": "warm"})

    async def find_all(keys: Sequence[str]) -> list[None]:
        await looked.find({"_id": {"$in": list(keys)}}).to_list()
        return [None for _ in keys]

    insert = GroupWrite(functools.partial(insert_each, kept))
    find = GroupWrite(find_all)

    async def handle(body: dict[str, Any]) -> None:
        await insert({"_id": body["id"], "data": body.get("data")})
        await find(body["id"])

    try:
        return await faststream_rate(url, bodies, handle, prefetch=prefetch)
    finally:
        await client.drop_database(database.name)
        await client.close()


def sample_email(n: int, *, size: int = 1500) -> EmailMessage:
    email = EmailMessage()
    email["From"] = "together <hello@together.example>"
    email["To"] = f"raw{n}@bench.example.org"
    email["Subject"] = "You're invited: a community lunch near you"
    email.set_content("x" * size)
    return email


async def smtp_rate(port: int, count: int, *, size: int, connections: int) -> float:
    """Raw aiosmtplib sends over `connections` connections at once (as notifications does),
    messages/s."""
    clients = [
        aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=30) for _ in range(connections)
    ]
    for client in clients:
        await client.connect()
    emails = [sample_email(n, size=size) for n in range(count)]

    async def send_share(client: aiosmtplib.SMTP, share: list[EmailMessage]) -> None:
        for email in share:
            await client.send_message(email)

    try:
        started = time.perf_counter()
        await asyncio.gather(
            *(send_share(c, emails[n::connections]) for n, c in enumerate(clients))
        )
        return count / (time.perf_counter() - started)
    finally:
        for client in clients:
            await client.quit()


async def mail_floor_rate(
    url: str,
    mongodb_url: str,
    bodies: list[bytes],
    *,
    smtp_port: int,
    size: int,
    connections: int,
    prefetch: int,
) -> float:
    """What crash-safe email sending costs on this machine before any service code, messages/s:
    a FastStream consumer configured as the services' (`faststream_rate`) whose handler
    makes the three writes a delivery log needs to send each message once (the message recorded
    before it is sent, marked handed over while the transaction is sent, as notifications does,
    its outcome recorded), each grouped with the messages in flight, and sends a prebuilt email
    of `size` bytes over `connections` kept-open aiosmtplib connections, as `smtp_rate` does."""
    client = mongo_client(mongodb_url)
    database = client[f"bench_floor_{uuid.uuid4().hex[:8]}"]
    log = database["messages"]
    await log.insert_one({"_id": "warm"})

    def marking(status: str) -> Callable[[Sequence[str]], Awaitable[list[bool]]]:
        async def mark_all(keys: Sequence[str]) -> list[bool]:
            change = {"$set": {"status": status, "at": time.time()}, "$inc": {"version": 1}}
            await log.bulk_write([UpdateOne({"_id": key}, change) for key in keys], ordered=False)
            return [True for _ in keys]

        return mark_all

    record = GroupWrite(functools.partial(insert_each, log))
    hand_over, finish = GroupWrite(marking("handed-over")), GroupWrite(marking("sent"))
    emails = [sample_email(n, size=size) for n in range(len(bodies))]
    idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
    for _ in range(connections):
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=smtp_port, timeout=30)
        await smtp.connect()
        idle.put_nowait(smtp)
    emails_by_key = {
        json.loads(body)["id"]: email for body, email in zip(bodies, emails, strict=True)
    }

    async def handle(body: dict[str, Any]) -> None:
        key = body["id"]
        await record({"_id": key, "status": "sending", "version": 1})
        smtp = await idle.get()
        try:
            await asyncio.gather(hand_over(key), smtp.send_message(emails_by_key[key]))
        finally:
            idle.put_nowait(smtp)
        await finish(key)

    try:
        return await faststream_rate(url, bodies, handle, prefetch=prefetch, timeout=300)
    finally:
        while not idle.empty():
            await idle.get_nowait().quit()
        await client.drop_database(database.name)
        await client.close()


async def smtp_latencies(port: int, count: int, *, size: int) -> list[float]:
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=30)
    await client.connect()
    took = []
    try:
        for n in range(count):
            email = sample_email(n, size=size)
            started = time.perf_counter()
            await client.send_message(email)
            took.append(time.perf_counter() - started)
    finally:
        await client.quit()
    return took


def envelope_message(event: IntegrationEvent) -> aio_pika.Message:
    """An event as a service's relay publishes it (`together_kit.messaging.publishing.EventPublisher`)."""
    return aio_pika.Message(
        event.model_dump_json().encode(),
        message_id=str(event.id),
        correlation_id=event.correlation_id,
        type=event.type,
        content_type="application/json",
        headers={"x-event-version": event.version, "x-producer": event.producer},
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


async def publish_events(url: str, events: Sequence[IntegrationEvent]) -> float:
    """Publish envelopes with confirms, `PUBLISH_WINDOW` in flight; seconds for all."""
    async with events_exchange(url) as (_channel, exchange):
        started = time.perf_counter()
        for start in range(0, len(events), PUBLISH_WINDOW):
            window = events[start : start + PUBLISH_WINDOW]
            await asyncio.gather(
                *(exchange.publish(envelope_message(e), routing_key=e.type) for e in window)
            )
        return time.perf_counter() - started
