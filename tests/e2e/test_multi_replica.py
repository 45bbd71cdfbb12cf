"""Two replicas of a service, unchanged, as Kubernetes runs them (deploy/k8s): real processes on
one RabbitMQ vhost and one database per service, under a signup load spread over both.

What must hold for `replicas: 2` to be safe:
- the outbox relays of both signups replicas take leases: every `volunteer.registered` is
  published once, and every outbox is drained;
- both notifications replicas read `notifications.volunteers` as competing consumers: each event
  takes effect once (one confirmation email per signup, one inbox record per event);
- a periodic job (signups' purge, notifications' reconcile) runs once per interval across both
  replicas, never twice;
- SIGTERM drains and stops each replica well inside the pod's termination grace period.
"""

import asyncio
import itertools
import json
import re
import signal
import time
import uuid
from collections import Counter
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from together_kit.testing.probe import event_probe
from together_kit.testing.waiting import eventually

from .conftest import LaunchedProcess, System

pytestmark = pytest.mark.e2e

SIGNUPS = 240
CONCURRENCY = 12
JOB_SECONDS = 3.0
"""A short interval for the leased periodic jobs, so a one-minute test sees several of them."""
RUNS_SEEN = 4
"""Runs of each job the test waits for before judging them (the signups may all be through
sooner than that)."""
GRACE_SECONDS = 60.0
"""deploy/k8s's terminationGracePeriodSeconds (minus nothing: the preStop pause is Kubernetes')."""
STEP = 60.0


def start_replicas(system: System, service: str, **env: str) -> list[LaunchedProcess]:
    """Two processes of `service`, each with its own port and log, sharing vhost and database."""
    common = {
        "RABBITMQ_URL": system.rabbitmq_url,
        "MONGODB_URL": system.mongodb_url,
        f"{service.upper()}_MONGODB_DATABASE": system.database(service),
        f"{service.upper()}_OUTBOX_POLL_SECONDS": "0.2",
        **env,
    }
    replicas = []
    for replica in ("a", "b"):
        log_dir = system.log_dir / f"{service}-{replica}"
        log_dir.mkdir()
        process = LaunchedProcess(service, common, log_dir)
        system.processes[f"{service}-{replica}"] = process.start()
        replicas.append(process)
    return replicas


@pytest.fixture
def replicas(system: System, mail_sink: Any) -> dict[str, list[LaunchedProcess]]:
    started = {
        "signups": start_replicas(
            system,
            "signups",
            SIGNUPS_JOIN_RATE_LIMIT="100000/minute",
            SIGNUPS_PURGE_INTERVAL_SECONDS=str(JOB_SECONDS),
        ),
        "notifications": start_replicas(
            system,
            "notifications",
            NOTIFICATIONS_SMTP_HOST="127.0.0.1",
            NOTIFICATIONS_SMTP_PORT=str(mail_sink.smtp_port),
            NOTIFICATIONS_DISPATCH_POLL_SECONDS="0.2",
            NOTIFICATIONS_RECONCILE_INTERVAL_SECONDS=str(JOB_SECONDS),
        ),
    }
    for processes in started.values():
        for process in processes:
            process.wait_ready(timeout=STEP)
    return started


async def sign_up(system: System, urls: list[str]) -> list[tuple[str, str]]:
    """SIGNUPS people join, round-robin over the replicas, CONCURRENCY at a time: (id, email)."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(client: httpx.AsyncClient, n: int) -> str:
        """A kept-alive connection the server closes as a request goes out is retried, as a real
        client would, with the same Idempotency-Key, so the retry cannot make a second person."""
        email = f"r{n}-{uuid.uuid4().hex[:8]}@example.org"
        async with gate:
            for attempt in range(3):
                try:
                    response = await client.post(
                        f"{urls[n % len(urls)]}/api/v1/signups",
                        json={"name": f"Volunteer {n}", "email": email, "postcode": "SW1A 1AA"},
                        headers={"Idempotency-Key": f"multi-replica-{email}"},
                    )
                    break
                except httpx.TransportError:
                    if attempt == 2:
                        raise
        assert response.status_code == 202, response.text
        return email

    async with httpx.AsyncClient(timeout=30) as client:
        emails = await asyncio.gather(*(one(client, n) for n in range(SIGNUPS)))
    return await ids_of(system, emails)


async def ids_of(system: System, emails: list[str]) -> list[tuple[str, str]]:
    """(id, email) of each person stored: no answer to a join says whom it stored."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(system.mongodb_url)
    try:
        people = client[system.database("signups")]["people"]
        found = {d["email"]: str(d["_id"]) async for d in people.find({"email": {"$in": emails}})}
    finally:
        await client.close()
    assert set(found) == set(emails)
    return [(found[email], email) for email in emails]


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of a Prometheus counter's samples whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        found = re.match(rf"{name}\{{(.*)\}} ([0-9.e+]+)$", line)
        if found and all(f'{k}="{v}"' in found.group(1) for k, v in labels.items()):
            total += float(found.group(2))
    return total


def recipients(messages: list[EmailMessage]) -> list[str]:
    return [parseaddr(str(message["To"]))[1] for message in list(messages)]


def scrape(process: LaunchedProcess) -> str:
    return httpx.get(f"{process.url}/metrics", timeout=10).text


def log_lines(process: LaunchedProcess) -> list[dict[str, Any]]:
    lines = []
    for raw in (process.log_dir / f"{process.name}.log").read_text().splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def job_runs(processes: list[LaunchedProcess], job: str) -> list[datetime]:
    """When `job` finished, by any replica, in order."""
    runs = [
        datetime.fromisoformat(line["timestamp"])
        for process in processes
        for line in log_lines(process)
        if line.get("event") == "periodic job ran" and line.get("job") == job
    ]
    return sorted(runs)


def assert_once_per_interval(processes: list[LaunchedProcess], job: str) -> None:
    """Each run claims its interval with a lease of 0.9 x JOB_SECONDS, so over a span of S seconds
    two replicas together run it at most S / (0.9 x JOB_SECONDS) + 1 times; without the lease they
    would run it about twice as often. Job durations blur finish times: one interval of slack."""
    runs = job_runs(processes, job)
    assert len(runs) >= RUNS_SEEN, f"{job} ran only {len(runs)} times"
    span = (runs[-1] - runs[0]).total_seconds()
    most = (span + JOB_SECONDS) / (0.9 * JOB_SECONDS) + 1
    assert len(runs) <= most, f"{job} ran {len(runs)} times in {span:.0f}s (at most {most:.0f})"
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(runs)]
    assert min(gaps) > 0.4 * JOB_SECONDS, f"{job} ran twice in one interval: gaps {gaps}"


@pytest.mark.timeout(300)  # two cores shared with the broker, the store and four processes
async def test_two_replicas_each_publish_consume_and_schedule_once(
    system: System, mail_sink: Any, replicas: dict[str, list[LaunchedProcess]]
) -> None:
    signups, notifications = replicas["signups"], replicas["notifications"]

    async with event_probe(system.rabbitmq_url, ["volunteer.registered"]) as probe:
        joined = await sign_up(system, [process.url for process in signups])
        await probe.wait_for(SIGNUPS, timeout=STEP)
        emails = {email for _id, email in joined}

        async def delivered() -> int:
            return len(set(recipients(mail_sink.messages)) & emails)

        await eventually(delivered, until=lambda n: n == SIGNUPS, timeout=2 * STEP, what="emails")
        await asyncio.sleep(2.0)  # time for any duplicate to show up at the exchange or the sink
        events = probe.events

    # published once each, by event and by person; both relays took part
    by_id = Counter(event["id"] for event in events)
    by_person = Counter(event["data"]["person_id"] for event in events)
    assert len(events) == SIGNUPS, f"{len(events) - SIGNUPS} duplicates: {by_id.most_common(3)}"
    assert set(by_person) == {person_id for person_id, _email in joined}
    assert max(by_person.values()) == 1
    published = [
        metric(scrape(p), "messages_published_total", event_type="volunteer.registered")
        for p in signups
    ]
    assert sum(published) == SIGNUPS
    assert min(published) > 0, f"one relay did all the publishing: {published}"

    # consumed once each, by two competing consumers
    confirmations = Counter(recipients(mail_sink.messages))
    assert {confirmations[email] for email in emails} == {1}
    consumed = [
        metric(
            scrape(p),
            "messages_consumed_total",
            queue="notifications.volunteers",
            event_type="volunteer.registered",
            outcome="processed",
        )
        for p in notifications
    ]
    assert sum(consumed) == SIGNUPS
    assert min(consumed) > 0, f"one replica took every message: {consumed}"
    await assert_stores_agree(system, joined)

    # periodic jobs: once per interval across both replicas, over at least four intervals
    for processes, job in ((signups, "purge-unconfirmed"), (notifications, "reconcile-sending")):

        async def runs(processes: list[LaunchedProcess] = processes, job: str = job) -> list[Any]:
            return await asyncio.to_thread(job_runs, processes, job)

        await eventually(
            runs,
            until=lambda found: len(found) >= RUNS_SEEN,
            timeout=RUNS_SEEN * JOB_SECONDS * 4,
            what=f"{RUNS_SEEN} runs of {job}",
        )
        assert_once_per_interval(processes, job)

    # SIGTERM: each replica drains and stops well inside the grace period
    for process in [*signups, *notifications]:
        assert process.process is not None
        process.process.send_signal(signal.SIGTERM)
    for process in [*signups, *notifications]:
        assert process.process is not None
        stopping = time.monotonic()
        await asyncio.to_thread(process.process.wait, GRACE_SECONDS)
        assert time.monotonic() - stopping < GRACE_SECONDS
        assert any(line.get("event") == "service stopped" for line in log_lines(process))


async def assert_stores_agree(system: System, joined: list[tuple[str, str]]) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(system.mongodb_url)
    try:
        people = client[system.database("signups")]["people"]
        assert await people.count_documents({"outbox_pending": {"$gt": 0}}) == 0
        stored = await people.count_documents({"_id": {"$in": [i for i, _e in joined]}})
        assert stored == SIGNUPS
        # one message per registration, keyed by its event (the handler is keyed: no inbox)
        messages = client[system.database("notifications")]["messages"].find({})
        event_ids = [str(message["cause_event_id"]) async for message in messages]
        assert len(event_ids) == len(set(event_ids)) == SIGNUPS
    finally:
        await client.close()
