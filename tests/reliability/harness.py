"""The system under fault: real service processes, a store of the scenario's own, a mail sink,
a load of signups over HTTP, and the bookkeeping that says what was lost or doubled.

Every scenario checks the same promise: each signup the API accepted ends with exactly one
confirmation email at the sink, and nothing is left stuck (outboxes drained, no dead letters
unless the scenario sent poison on purpose).
"""

import asyncio
import os
import random
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient
from together_kit.dev.mailsink import MailSink
from together_kit.dev.stack import EmbeddedStore, free_port
from together_kit.testing.processes import ServiceProcess

from .faultproxy import FaultProxy

DOMAIN = "reliability.example"
STRANDED = frozenset({"sending", "unknown"})
"""The one loss a SIGKILL of notifications may cause: killed inside the SMTP exchange itself, after
the point of no return was recorded (a message claimed but not handed over is sent again)."""
"""Delivery-log states of a message whose sender was killed mid-send: never sent again."""
RETRY_AFTER_CAP = 1.0
"""A client honours Retry-After, capped so a scenario does not sleep out the whole outage."""


class ScenarioSink(MailSink):
    """The local SMTP sink on a free port; `delay_seconds` makes it a slow server."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder=folder, smtp_port=free_port())

    def per_recipient(self, addresses: set[str]) -> Counter[str]:
        counts: Counter[str] = Counter()
        for message in list(self.messages):
            for _, address in getaddresses([str(message["To"] or "")]):
                if address.lower() in addresses:
                    counts[address.lower()] += 1
        return counts


@dataclass
class Rig:
    """Services as real processes on one vhost, with a store and mail sink of their own.

    Signups reaches the store through `store_proxy`, notifications reaches RabbitMQ through
    `broker_proxy`: both are transparent until a scenario turns a fault on.
    """

    rabbitmq_url: str
    store: EmbeddedStore
    sink: ScenarioSink
    log_dir: Path
    services: tuple[str, ...] = ("signups", "notifications")
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    processes: dict[str, ServiceProcess] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    broker_proxy: FaultProxy | None = None
    store_proxy: FaultProxy | None = None

    def __post_init__(self) -> None:
        self.ports = {name: free_port() for name in self.services}
        host, port = "127.0.0.1", 5672
        self.broker_proxy = FaultProxy(host, port).start()
        self.store_proxy = FaultProxy("127.0.0.1", self.store.port).start()

    def database(self, service: str) -> str:
        return f"rel{self.run_id}_{service}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def env(self, service: str) -> dict[str, str]:
        assert self.broker_proxy is not None
        assert self.store_proxy is not None
        rabbitmq_url = self.rabbitmq_url
        mongodb_url = self.store.url
        if service == "notifications":
            rabbitmq_url = self.broker_proxy.url(rabbitmq_url)
        if service == "signups":
            mongodb_url = self.store_proxy.url(mongodb_url)
        public = {f"{n.upper()}_PUBLIC_BASE_URL": self.url(n) for n in self.ports}
        prefix = service.upper()
        return {
            **public,
            "RABBITMQ_URL": rabbitmq_url,
            "MONGODB_URL": mongodb_url,
            f"{prefix}_MONGODB_DATABASE": self.database(service),
            f"{prefix}_OUTBOX_POLL_SECONDS": "0.2",
            # What a killed process published and never marked is swept once its lease is over:
            # the default 30 s made a kill scenario wait that long for its outbox to drain.
            f"{prefix}_OUTBOX_LEASE_SECONDS": "10",
            "SIGNUPS_JOIN_RATE_LIMIT": "1000000/minute",
            "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
            "NOTIFICATIONS_SMTP_PORT": str(self.sink.smtp_port),
            "NOTIFICATIONS_DISPATCH_POLL_SECONDS": "0.2",
            "NOTIFICATIONS_CLAIM_STALE_SECONDS": "3",
            "NOTIFICATIONS_SENDING_STALE_SECONDS": "5",
            "NOTIFICATIONS_RECONCILE_INTERVAL_SECONDS": "2",
            "NOTIFICATIONS_HANDOVER_JOURNAL_PATH": str(self.log_dir / "notifications.handover"),
            "LOG_LEVEL": os.environ.get("RELIABILITY_LOG_LEVEL", "INFO"),
        }

    def start(self, service: str) -> ServiceProcess:
        process = ServiceProcess(service, self.env(service), self.log_dir, port=self.ports[service])
        self.processes[service] = process.start()
        return process

    def start_all(self, timeout: float = 90.0) -> None:
        for name in self.services:
            self.start(name)
        for name in self.services:
            self.processes[name].wait_ready(timeout)

    def kill(self, service: str) -> None:
        self.processes[service].kill()

    def restart(self, service: str, timeout: float = 90.0) -> float:
        return self.start(service).wait_ready(timeout)

    def pid(self, service: str) -> int:
        process = self.processes[service].process
        assert process is not None
        return process.pid

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()
        for proxy in (self.broker_proxy, self.store_proxy):
            if proxy is not None:
                proxy.stop()

    async def backlog(self) -> dict[str, int]:
        """Events still waiting in any service's outbox, and messages not yet sent."""
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            self.store.url, serverSelectionTimeoutMS=3000
        )
        try:
            found: dict[str, int] = {}
            for service in self.services:
                db = client[self.database(service)]
                pending = 0
                for name in await db.list_collection_names():
                    pending += await db[name].count_documents({"outbox_pending": {"$gt": 0}})
                found[f"{service}.outbox"] = pending
            messages = client[self.database("notifications")]["messages"]
            found["notifications.queued"] = await messages.count_documents({"status": "queued"})
            return found
        finally:
            await client.close()

    async def people_per_email(self, prefix: str) -> Counter[str]:
        """How many people signups keeps for each email starting with `prefix`."""
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            self.store.url, serverSelectionTimeoutMS=3000
        )
        try:
            people = client[self.database("signups")]["people"]
            found: Counter[str] = Counter()
            async for doc in people.find({}, {"email": 1}):
                if str(doc.get("email", "")).startswith(prefix):
                    found[str(doc["email"])] += 1
            return found
        finally:
            await client.close()

    async def message_statuses(self, addresses: set[str]) -> dict[str, str]:
        """The notifications delivery log's status of each address's message."""
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            self.store.url, serverSelectionTimeoutMS=3000
        )
        try:
            messages = client[self.database("notifications")]["messages"]
            statuses: dict[str, str] = {}
            async for doc in messages.find({}, {"recipient": 1, "status": 1}):
                address = str(doc.get("recipient", "")).lower()
                if address in addresses:
                    statuses[address] = str(doc["status"])
            return statuses
        finally:
            await client.close()


# --- load -------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    accepted: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    missing_retry_after: int = 0
    retried: int = 0


@dataclass
class Load:
    """Signups through the JSON API, `concurrency` at a time, each retried until accepted.

    A client retries what it does not know the outcome of (connection errors, 5xx, 429) with the
    same Idempotency-Key and body, honouring Retry-After, as a partner site would.
    """

    base_url: Callable[[], str]
    scenario: str
    total: int
    concurrency: int = 8
    give_up_after: float = 240.0
    result: LoadResult = field(default_factory=LoadResult)
    done: int = 0
    finished: bool = False

    def address(self, number: int) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.scenario.lower()).strip("-")
        return f"{slug}-{number}@{DOMAIN}"

    async def run(self) -> LoadResult:
        numbers = iter(range(self.total))
        limits = httpx.Limits(max_connections=self.concurrency * 2)
        async with httpx.AsyncClient(timeout=15.0, limits=limits) as client:

            async def worker() -> None:
                for number in numbers:
                    await self._one(client, number)

            try:
                await asyncio.gather(*(worker() for _ in range(self.concurrency)))
            finally:
                self.finished = True
        return self.result

    async def _one(self, client: httpx.AsyncClient, number: int) -> None:
        email = self.address(number)
        body = {
            "name": f"Reliability {number}",
            "email": email,
            "postcode": "CF10 1AA",
            "interests": ["food-and-mutual-aid"],
        }
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        deadline = time.monotonic() + self.give_up_after
        while time.monotonic() < deadline:
            try:
                response = await client.post(
                    f"{self.base_url()}/api/v1/signups", json=body, headers=headers
                )
            except httpx.TransportError:
                self.result.transport_errors += 1
                self.result.retried += 1
                await asyncio.sleep(0.3)
                continue
            self.result.statuses[response.status_code] += 1
            if response.status_code in (200, 201, 202):
                self.result.accepted.add(email)
                self.done += 1
                return
            if response.status_code == 503 and "Retry-After" not in response.headers:
                self.result.missing_retry_after += 1
            if response.status_code >= 500 or response.status_code == 429:
                self.result.retried += 1
                wait = float(response.headers.get("Retry-After", "0.5") or 0.5)
                await asyncio.sleep(min(wait, RETRY_AFTER_CAP))
                continue
            raise AssertionError(f"signup {email} refused: {response.status_code} {response.text}")
        raise AssertionError(f"signup {email} never accepted within {self.give_up_after:.0f}s")

    async def reached(self, count: int) -> None:
        while self.done < count:
            if self.finished:
                raise AssertionError(f"the load ended after {self.done} signups, before {count}")
            await asyncio.sleep(0.05)


def seeded(seed: int) -> random.Random:
    """Where faults strike and which service is hit: random, but the same again for one seed."""
    return random.Random(seed)  # noqa: S311 (a fault schedule, not a secret)


def fault_point(seed: int, total: int, *, low: float = 0.2, high: float = 0.6) -> int:
    """A seeded random moment of the load (a count of accepted signups) to inject a fault at."""
    return seeded(seed).randint(int(total * low), int(total * high))


# --- outcome ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    scenario: str
    messages_in: int
    delivered: int
    duplicates: int
    lost: int
    recover_s: float | None
    elapsed_s: float
    notes: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "messages_in": self.messages_in,
            "delivered": self.delivered,
            "duplicates": self.duplicates,
            "lost": self.lost,
            "recover_s": None if self.recover_s is None else round(self.recover_s, 1),
            "elapsed_s": round(self.elapsed_s, 1),
            "notes": self.notes,
        }


async def settle(
    rig: Rig,
    addresses: set[str],
    *,
    fault_ended: float,
    timeout: float,
    scenario: str,
    started: float,
    quiet: float = 2.0,
    notes: str = "",
) -> Outcome:
    """Wait for one email per address (or the timeout), then `quiet` seconds more for any late
    duplicate; count what arrived, what was doubled and what never came."""
    deadline = time.monotonic() + timeout
    all_in_at: float | None = None
    while time.monotonic() < deadline:
        counts = rig.sink.per_recipient(addresses)
        if len(counts) >= len(addresses):
            all_in_at = time.monotonic()
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(quiet)
    counts = rig.sink.per_recipient(addresses)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    lost = len(addresses - set(counts))
    recover = None if all_in_at is None else max(0.0, all_in_at - fault_ended)
    return Outcome(
        scenario=scenario,
        messages_in=len(addresses),
        delivered=len(counts),
        duplicates=duplicates,
        lost=lost,
        recover_s=recover,
        elapsed_s=time.monotonic() - started,
        notes=notes,
    )


class RssSampler:
    """VmRSS of one process (re-read by pid each time, so a restart is followed) every 0.25 s."""

    def __init__(self, pid: Callable[[], int]) -> None:
        self._pid = pid
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    @staticmethod
    def rss_kib(pid: int) -> int | None:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def _run(self) -> None:
        while not self._stop.is_set():
            if (kib := self.rss_kib(self._pid())) is not None:
                self.samples.append(kib)
            self._stop.wait(0.25)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)

    @property
    def peak_mib(self) -> float:
        return max(self.samples, default=0) / 1024


def env_seed(default: int) -> int:
    return int(os.environ.get("RELIABILITY_SEED", default))
