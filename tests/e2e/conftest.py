import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from together_kit.dev.mailsink import MailSink
from together_kit.dev.smssink import SmsSink
from together_kit.dev.stack import free_port, local_vhost, vhost_of
from together_kit.testing.processes import ServiceProcess

SERVICES = ("signups", "moderation", "matching", "notifications")


@dataclass
class LaunchedProcess(ServiceProcess):
    """A service process started by `command` instead of `python -m <service>` (a test launcher
    that runs the service's own app, e.g. with its clock set)."""

    command: Sequence[str] | None = None

    def start(self) -> "LaunchedProcess":
        if self.command is None:
            super().start()
            return self
        prefix = self.name.upper()
        env = {**os.environ, **self.env, f"{prefix}_PORT": str(self.port), "LOG_FORMAT": "json"}
        log = (self.log_dir / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            list(self.command), env=env, stdout=log, stderr=subprocess.STDOUT
        )
        return self


class System:
    """Services of one test as real processes, sharing a fresh vhost and databases of their own.

    Every service's port is chosen up front, so each process can be told every public URL (the
    links in emails point at the test's own processes) before any of them starts.
    """

    def __init__(self, *, rabbitmq_url: str, mongodb_url: str, log_dir: Path) -> None:
        self.rabbitmq_url = rabbitmq_url
        self.mongodb_url = mongodb_url
        self.log_dir = log_dir
        self.run_id = uuid.uuid4().hex[:8]
        self.processes: dict[str, ServiceProcess] = {}
        self.ports: dict[str, int] = {name: free_port() for name in SERVICES}

    def database(self, service: str) -> str:
        return f"e2e{self.run_id}_{service}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(
        self, service: str, *, command: Sequence[str] | None = None, **extra_env: str
    ) -> ServiceProcess:
        public_urls = {f"{name.upper()}_PUBLIC_BASE_URL": self.url(name) for name in self.ports}
        env = {
            **public_urls,
            **extra_env,
            "RABBITMQ_URL": self.rabbitmq_url,
            "MONGODB_URL": self.mongodb_url,
            f"{service.upper()}_MONGODB_DATABASE": self.database(service),
            f"{service.upper()}_OUTBOX_POLL_SECONDS": "0.2",
            "SIGNUPS_JOIN_RATE_LIMIT": "100000/minute",
        }
        port = self.ports.setdefault(service, free_port())
        process = LaunchedProcess(service, env, self.log_dir, port=port, command=command)
        self.processes[service] = process.start()
        return process

    def stop_all(self) -> None:
        for process in self.processes.values():
            process.stop()

    @property
    def vhost(self) -> str:
        return vhost_of(self.rabbitmq_url)


@pytest.fixture
def system(rabbitmq_url: str, mongodb_url: str, tmp_path: Path) -> Iterator[System]:
    with ExitStack() as stack:
        url = rabbitmq_url
        if shutil.which("rabbitmqctl") and "127.0.0.1" in rabbitmq_url:
            url = stack.enter_context(local_vhost(rabbitmq_url, prefix="together-e2e"))
        running = System(rabbitmq_url=url, mongodb_url=mongodb_url, log_dir=tmp_path)
        stack.callback(running.stop_all)
        yield running


@pytest.fixture
def mail_sink(tmp_path: Path) -> Iterator[object]:
    """The local SMTP sink of `make run`, in this process on a free port: `.smtp_port`, and
    `.messages` (parsed `EmailMessage`s, in arrival order)."""
    sink = MailSink(folder=tmp_path / "mail", smtp_port=free_port())
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def sms_sink(system: System, tmp_path: Path) -> Iterator[SmsSink]:
    """The local SMS sink of `make run` (GOV.UK Notify's shape), in this process on a free port,
    knowing this test's notifications: start it with `system.start("notifications",
    **sms_sink.notifications_env())`. Then `.texts_to(phone)` (each text's `.body`,
    `.segments`, `.status`), `await .reply(phone, "YES K7P")` (what notifications answered),
    `.fail(phone, "refused" | "unavailable" | "undelivered")`, `.delay_seconds`, `.arrived`."""
    sink = SmsSink(folder=tmp_path / "sms", notifications_url=system.url("notifications"))
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
