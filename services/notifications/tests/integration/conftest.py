"""A real SMTP server (aiosmtpd) on a free port, and the notifications app wired to it.

Queues are shared by every notifications app in this test session's virtual host, so each test
sends to addresses of its own and looks only at mail for them.
"""

import email
import email.policy
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI
from notifications.adapters.handover_journal import IN_MEMORY
from notifications.bootstrap import create_app
from notifications.settings import Settings
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import VolunteerRegistered, VolunteerRegisteredData
from together_kit.dev.stack import free_port
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

Document = dict[str, Any]
ADMIN_KEY = "admin-key-for-tests"
VOLUNTEERS = "notifications.volunteers"


def consumed(app: FastAPI, outcome: str, *, queue: str = VOLUNTEERS) -> int:
    """Messages this app's consumer took from `queue` with this outcome (`processed`,
    `duplicate`, ...), from its metrics: what the consumer guard saw, whether or not it kept an
    inbox record (a keyed event has none)."""
    total = 0.0
    for metric in app.state.runtime.metrics.consumed.collect():
        for sample in metric.samples:
            labels = sample.labels
            if (
                sample.name.endswith("_total")
                and labels.get("queue") == queue
                and labels.get("outcome") == outcome
            ):
                total += sample.value
    return int(total)


@dataclass
class SinkHandler:
    """Collects what it accepts; `replies` answers DATA for an address with a scripted code."""

    received: list[EmailMessage] = field(default_factory=list)
    replies: dict[str, list[str]] = field(default_factory=dict)
    refuse: dict[str, str] = field(default_factory=dict)
    peers: set[object] = field(default_factory=set)
    """The client end of every connection a message arrived on."""
    recipients: list[str] = field(default_factory=list)
    """Every recipient accepted, in order, whether or not its message then arrived."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        with self.lock:
            self.recipients.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        with self.lock:
            for address in envelope.rcpt_tos:
                scripted = self.replies.get(address)
                if scripted:
                    return scripted.pop(0)
            content = envelope.content
            assert isinstance(content, bytes)
            message = email.message_from_bytes(content, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            self.received.append(message)
            self.peers.add(session.peer)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if address in str(m["To"])]


@dataclass
class Sink:
    handler: SinkHandler
    port: int

    async def wait_for(
        self, address: str, count: int = 1, timeout: float = 20.0
    ) -> list[EmailMessage]:
        async def look() -> list[EmailMessage]:
            return self.handler.to(address)

        return await eventually(
            look,
            until=lambda found: len(found) >= count,
            timeout=timeout,
            what=f"mail to {address}",
        )


@pytest.fixture
def smtp_sink() -> Iterator[Sink]:
    handler = SinkHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Sink(handler, port)
    finally:
        controller.stop()


@dataclass
class Notifications:
    app: FastAPI
    db: AsyncDatabase[Document]

    async def message(self, **query: Any) -> Document | None:
        return await self.db["messages"].find_one(query)

    async def messages(self, **query: Any) -> list[Document]:
        return [d async for d in self.db["messages"].find(query)]

    async def consumed(self, outcome: str) -> int:
        return consumed(self.app, outcome)


def settings_of_tests(
    service_settings: Mapping[str, Any], *, smtp_port: int, **overrides: Any
) -> Settings:
    """Notifications' settings for tests: the kit's `service_settings` (broker, store, database),
    quick retries and backoffs, the SMTP sink at `smtp_port`, then `overrides`."""
    values: dict[str, Any] = {
        **service_settings,
        "port": 0,
        "smtp_port": smtp_port,
        "send_backoff_seconds": 0.05,
        "send_backoff_max_seconds": 0.2,
        "send_attempts": 3,
        "dispatch_poll_seconds": 0.1,
        "retry_backoff_seconds": 0.05,
        "retry_backoff_max_seconds": 0.2,
        "admin_api_key": ADMIN_KEY,
        "public_base_url": "http://notifications.test",
        "handover_journal_path": IN_MEMORY,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def settings_for(service_settings: dict[str, Any], smtp_sink: Sink) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        return settings_of_tests(service_settings, smtp_port=smtp_sink.port, **overrides)

    return build


@pytest.fixture
async def inspector(mongodb_url: str, database_name: str) -> AsyncIterator[AsyncDatabase[Document]]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        mongodb_url, tz_aware=True, uuidRepresentation="standard"
    )
    try:
        yield client[database_name]
    finally:
        await client.close()


@pytest.fixture
async def notifications(
    settings_for: Callable[..., Settings], inspector: AsyncDatabase[Document]
) -> AsyncIterator[Notifications]:
    app = create_app(settings_for())
    async with app.router.lifespan_context(app):
        yield Notifications(app, inspector)


def unique_address(name: str) -> str:
    return f"{name.lower().replace(' ', '')}.{uuid.uuid4().hex[:10]}@example.org"


@dataclass
class Clock:
    """The app's clock, moved by the test."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


async def join(
    rabbitmq_url: str, sink: Sink, *, name: str = "Nia", language: str = "en"
) -> tuple[uuid.UUID, str, EmailMessage]:
    """A volunteer registers (so notifications keeps their contact); returns the confirmation."""
    address = unique_address(name)
    person_id = uuid.uuid4()
    joined = VolunteerRegistered(
        producer="signups",
        correlation_id=f"join-{name}",
        data=VolunteerRegisteredData(
            person_id=person_id,
            name=name,
            email=address,
            language=language,  # type: ignore[arg-type]
        ),
    )
    await publish_event(rabbitmq_url, joined)
    [confirmation] = await sink.wait_for(address)
    return person_id, address, confirmation


def bodies(mail: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML parts of a multipart/alternative email."""
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()
