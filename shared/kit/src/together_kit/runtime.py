"""What every service's composition root builds: store, broker, relay, inbox, metrics, lifespan.

A service's `bootstrap.py` calls `ServiceRuntime.build(settings)`, asks it for its aggregate
collections and consumers, registers its routes and subscribers, and calls `app()`. Nothing here is
built at import time, so tests build a runtime from their own `Settings`.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from aio_pika.exceptions import AMQPError
from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from faststream.rabbit import RabbitBroker, RabbitRouter
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure
from together_contracts import IntegrationEvent

from together_kit import mongo
from together_kit.http.health import health_router
from together_kit.http.idempotency import IdempotencyStore
from together_kit.http.middleware import install_http_middleware
from together_kit.messaging.consuming import Consumer, ConsumerGuard, RetryPolicy
from together_kit.messaging.deadletters import expire_unstamped
from together_kit.messaging.declaring import declare_topology
from together_kit.messaging.eager import EagerOutbox
from together_kit.messaging.inbox import Inbox
from together_kit.messaging.outbox import AggregateCollection, RelayStaging, Staging
from together_kit.messaging.publishing import EventPublisher
from together_kit.messaging.relay import OutboxRelay
from together_kit.messaging.topology import EVENTS, ConsumerTopology
from together_kit.metrics import Metrics
from together_kit.retention import Retention, days
from together_kit.schedule import JobLeases, cancel_all, run_every
from together_kit.settings import ServiceSettings
from together_kit.web.errors import ErrorPages

log = structlog.get_logger("together.runtime")
STARTUP_PATIENCE_SECONDS = 60.0
BROKER_GRACEFUL_SECONDS = 15.0
"""How long a stopping replica waits for the messages in flight to finish (deploy/k8s's
terminationGracePeriodSeconds covers the preStop pause + HTTP drain + this + the last relay pass)."""
RELAY_LAST_PASS_SECONDS = 5.0

Document = dict[str, Any]
DELIVERY_LIMIT = 50
NOT_AN_OUTAGE = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)
API_DOCS_ASSETS = "/docs/assets"
"""Where Swagger UI's and ReDoc's scripts, stylesheet and icon are served (the `fastapi-offline`
package ships them), so /docs and /redoc work without internet. Under /docs, so the ingress
keeps them with the operator pages (deploy/k8s/base/ingress.yaml routes /docs nowhere)."""


async def retry_until_up(start: Callable[[], Awaitable[None]], *, what: str) -> None:
    """Wait for a dependency at start-up, so services may start in any order.

    Only what says the dependency is not there yet is waited out: a file that is missing or
    unreadable (`OSError`s such as `FileNotFoundError`, from a start-up hook) stops the service at
    once with its own message, never as "store unavailable"."""
    deadline = asyncio.get_running_loop().time() + STARTUP_PATIENCE_SECONDS
    while True:
        try:
            await start()
            return
        except (AMQPError, ConnectionFailure, ConnectionError, OSError) as error:
            if isinstance(error, NOT_AN_OUTAGE) or asyncio.get_running_loop().time() > deadline:
                raise
            log.warning(f"{what} unavailable at start-up; retrying", error=repr(error))
            await asyncio.sleep(1.0)


class Indexed(Protocol):
    async def ensure_indexes(self) -> None: ...


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    metrics: Metrics
    broker: RabbitBroker
    client: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    inbox: Inbox
    relay: OutboxRelay
    eager: EagerOutbox
    aggregates: list[AggregateCollection] = field(default_factory=list)
    consumers: list[Consumer] = field(default_factory=list)
    startup_hooks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    periodic_jobs: list[tuple[str, float, Callable[[], Awaitable[object]]]] = field(
        default_factory=list
    )
    _first_turns: list[asyncio.Event] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def build(cls, settings: ServiceSettings) -> "ServiceRuntime":
        metrics = Metrics()
        broker = RabbitBroker(
            settings.rabbitmq_url,
            graceful_timeout=BROKER_GRACEFUL_SECONDS,
            logger=None,
            apply_types=False,  # consumers validate their events themselves: Consumer.subscriber
        )
        client = mongo.connect(settings)
        db = mongo.database(client, settings)
        publish = EventPublisher(broker, metrics)
        relay = OutboxRelay(
            publish=publish,
            lease_seconds=settings.outbox_lease_seconds,
            poll_seconds=settings.outbox_poll_seconds,
        )
        eager = EagerOutbox(
            publish=publish,
            owner=relay.owner,
            wake_relay=relay.wake,
            lease_seconds=settings.outbox_lease_seconds,
        )
        return cls(settings, metrics, broker, client, db, Inbox(db["inbox"]), relay, eager)

    def aggregate(self, name: str) -> AggregateCollection:
        """A collection whose documents carry pending events that this service's relay publishes."""
        raw = self.db[name]
        staging: Staging = (
            self.eager
            if self.settings.outbox_eager
            else RelayStaging(wake=lambda: self.relay.wake(raw))
        )
        collection = AggregateCollection(raw, staging=staging)
        self.aggregates.append(collection)
        self.relay.watch(collection.collection)
        return collection

    def indexes(self, *stores: Indexed) -> None:
        """Ensure each store's indexes when the service starts, before it takes any work."""
        self.startup_hooks += [store.ensure_indexes for store in stores]

    def every(self, seconds: float, job: Callable[[], Awaitable[object]], *, name: str) -> None:
        """Run `job` now and then every `seconds`, once per interval across all replicas."""
        self.periodic_jobs.append((name, seconds, job))

    async def first_turns(self) -> None:
        """Until each periodic job has had its first turn since `running` began (run, found
        leased by another replica, or failed). A test that runs a job by hand waits for this
        first: otherwise the app's own first run, late on a busy machine, can do the work the
        test is about (`together_kit.testing.apps.started` waits for it)."""
        await asyncio.gather(*(turn.wait() for turn in self._first_turns))

    def retain(
        self,
        collection: AsyncCollection[Document],
        *,
        field: str,
        keep: timedelta,
        clock: Callable[[], datetime] | None = None,
    ) -> Retention:
        """Keep the records of `collection` for `keep` after their date in `field`, then delete
        them: a TTL index, and a sweep every `retention_sweep_seconds` (together_kit.retention)."""
        retention = (
            Retention(collection, field, keep)
            if clock is None
            else Retention(collection, field, keep, clock)
        )
        self.startup_hooks.append(retention.ensure_indexes)
        self.every(self.settings.retention_sweep_seconds, retention.sweep, name=retention.name)
        return retention

    def idempotency(self) -> IdempotencyStore:
        """The `Idempotency-Key` store, its records kept `idempotency_retention_days`."""
        collection = self.db["idempotency"]
        self.retain(
            collection, field="created_at", keep=days(self.settings.idempotency_retention_days)
        )
        return IdempotencyStore(collection)

    def publishes(self, *models: type[IntegrationEvent]) -> None:
        """Declare the events this service publishes (through its outbox), so its AsyncAPI
        document, and the event catalogue built from it, names this service as their producer."""
        for model in models:
            self.broker.publisher(
                exchange=EVENTS,
                routing_key=model.routing_key,
                schema=model,
                title=f"{model.routing_key}:publish",
                description=model.__doc__,
                persist=True,
                mandatory=False,
            )

    def consumer(
        self, purpose: str, routing_keys: Sequence[str], *, keyed: Sequence[str] = ()
    ) -> Consumer:
        """The consumer queue `<service>.<purpose>`; `keyed`: its event types whose handlers'
        writes are keyed by the event id, so the guard keeps no inbox record for them."""
        topology = ConsumerTopology(
            service=self.settings.service_name,
            purpose=purpose,
            routing_keys=tuple(routing_keys),
            delivery_limit=DELIVERY_LIMIT,
        )
        guard = ConsumerGuard(
            topology=topology,
            broker=lambda: self.broker,
            inbox=self.inbox,
            metrics=self.metrics,
            keyed=frozenset(keyed),
            retry=RetryPolicy(
                max_attempts=self.settings.max_attempts,
                backoff_seconds=self.settings.retry_backoff_seconds,
                backoff_max_seconds=self.settings.retry_backoff_max_seconds,
                dead_letter_ttl_seconds=days(self.settings.dead_letter_ttl_days).total_seconds(),
            ),
        )
        consumer = Consumer(topology, RabbitRouter(middlewares=[guard]), self.settings.prefetch)
        self.broker.include_router(consumer.router)
        self.consumers.append(consumer)
        return consumer

    async def ready(self) -> dict[str, bool]:
        timeout = self.settings.readiness_timeout_seconds
        store, broker = await asyncio.gather(
            mongo.ping(self.client), self.broker.ping(timeout=timeout)
        )
        return {"store": store, "broker": bool(broker)}

    def app(self, *, title: str, routers: Iterable[APIRouter] = (), **fastapi_args: Any) -> FastAPI:
        app = FastAPIOffline(  # /docs and /redoc with their scripts served here, not from a CDN
            title=title,
            lifespan=self._lifespan,
            static_url=API_DOCS_ASSETS,
            **fastapi_args,
        )
        install_http_middleware(
            app,
            metrics=self.metrics,
            max_body_bytes=self.settings.max_body_bytes,
            max_in_flight=self.settings.max_in_flight,
            errors=ErrorPages(navigation=self.settings.navigation()),
        )
        app.include_router(health_router(self, title=title))
        for router in routers:
            app.include_router(router)
        return app

    @asynccontextmanager
    async def _lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        async with self.running():
            yield

    @asynccontextmanager
    async def running(self) -> AsyncIterator["ServiceRuntime"]:
        """Connect, declare, start consuming and relaying; undo it all on exit."""
        await retry_until_up(self._declare_topology, what="broker")
        await retry_until_up(self.broker.start, what="broker")
        await self._expire_unstamped_dead_letters()
        await retry_until_up(self._prepare_store, what="store")
        leases = JobLeases(self.db["jobs"])
        self.eager.start()
        relay = asyncio.create_task(self.relay.run(), name="outbox-relay")
        self._first_turns = [asyncio.Event() for _ in self.periodic_jobs]
        jobs = [
            asyncio.create_task(
                run_every(leases, name=name, seconds=seconds, job=job, first_turn=first_turn),
                name=name,
            )
            for (name, seconds, job), first_turn in zip(
                self.periodic_jobs, self._first_turns, strict=True
            )
        ]
        log.info("service started", port=self.settings.port)
        try:
            yield self
        finally:
            await self._stop(relay, jobs)

    async def _stop(self, relay: "asyncio.Task[None]", jobs: list["asyncio.Task[None]"]) -> None:
        """Drain in order: stop taking messages and finish those in flight (other replicas get the
        rest), publish what they staged, then close the broker and the store."""
        await cancel_all(jobs)
        consumers = asyncio.gather(
            *(subscriber.stop() for subscriber in self.broker.subscribers), return_exceptions=True
        )
        try:  # a broker that is away would hold the cancel of each consumer forever
            await asyncio.wait_for(consumers, timeout=BROKER_GRACEFUL_SECONDS + 5.0)
        except TimeoutError:
            log.warning("consumers did not stop in time; closing the connection instead")
        try:
            await asyncio.wait_for(self.eager.close(), timeout=RELAY_LAST_PASS_SECONDS)
        except Exception as error:  # its leases expire; the relay publishes the rest
            log.warning("eager outbox did not finish", error=repr(error))
        self.relay.stop()
        try:
            await asyncio.wait_for(relay, timeout=RELAY_LAST_PASS_SECONDS)
        except Exception as error:  # its leases expire; another replica publishes the rest
            log.warning("outbox relay did not finish its last pass", error=repr(error))
        await self.broker.stop()
        await self.client.close()
        log.info("service stopped")

    async def _prepare_store(self) -> None:
        for aggregate in self.aggregates:
            await aggregate.ensure_indexes()
        await self.inbox.ensure_indexes()
        for hook in self.startup_hooks:
            await hook()

    async def _expire_unstamped_dead_letters(self) -> None:
        """Dead letters older than `dead_letter_ttl_days` that carry no expiration (from before the
        setting) go; the others get one. Never stops the service from starting."""
        settings = self.settings
        try:
            dropped, stamped = await expire_unstamped(
                settings.rabbitmq_url,
                settings.service_name,
                ttl=days(settings.dead_letter_ttl_days),
            )
        except Exception as error:
            log.warning("dead letters without an expiration left as they are", error=repr(error))
            return
        if dropped or stamped:
            log.info("dead letters given their expiration", dropped=dropped, stamped=stamped)

    async def _declare_topology(self) -> None:
        """Before the subscribers start: they take their queues as declared here."""
        kept = await declare_topology(
            self.settings.rabbitmq_url,
            self.settings.service_name,
            [consumer.topology for consumer in self.consumers],
        )
        for name in kept:
            log.warning(
                "queue kept with the arguments of an earlier version (deploy/README.md)",
                queue=name,
            )
