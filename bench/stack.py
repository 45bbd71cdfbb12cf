"""What a bench run stands on: the embedded store, a fresh vhost, services as real processes.

Services are started with the test harness's `ServiceProcess` (their own `python -m <service>`);
notifications through the e2e launcher that runs it with a daytime clock, so quiet hours never
hold an invitation back whatever time the bench runs.
"""

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from together_kit.dev.stack import EmbeddedStore, free_port, local_vhost
from together_kit.testing.processes import ServiceProcess

ROOT = Path(__file__).resolve().parent.parent
DAYTIME_NOTIFICATIONS = ROOT / "tests" / "e2e" / "daytime_notifications.py"
LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"
READY_TIMEOUT = 120.0
"""Generous: on a shared 2-core machine a service took over 30 s to answer /readyz."""
UNLIMITED_JOINS = "10000000/minute"
"""Every bench client is 127.0.0.1: the per-client join limit would otherwise answer 429."""


@dataclass
class LaunchedService(ServiceProcess):
    """A service started by `command` (a launcher running the service's own app) if given."""

    command: Sequence[str] | None = None

    def start(self) -> "LaunchedService":
        if self.command is None:
            super().start()
            return self
        env = {
            **os.environ,
            **self.env,
            f"{self.name.upper()}_PORT": str(self.port),
            "LOG_FORMAT": "json",
        }
        log = (self.log_dir / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            list(self.command), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
        )
        return self

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> float:
        return super().wait_ready(timeout)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def rss_mb(pid: int) -> float:
    """Resident set size of a process, in MiB (from /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Stack:
    rabbitmq_url: str
    mongodb_url: str
    work_dir: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    services: list[LaunchedService] = field(default_factory=list)
    store_pid: int | None = None
    """The embedded store's process, when this run started one."""

    def database(self, name: str) -> str:
        return f"bench{self.run_id}_{name}"

    def service(
        self,
        name: str,
        *,
        database: str | None = None,
        daytime: bool = False,
        **extra_env: str,
    ) -> LaunchedService:
        """Start one service (not yet ready: call `wait_ready`)."""
        log_dir = self.work_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        prefix = name.upper()
        port = free_port()
        env = {
            "RABBITMQ_URL": self.rabbitmq_url,
            "MONGODB_URL": self.mongodb_url,
            f"{prefix}_MONGODB_DATABASE": database or self.database(name),
            f"{prefix}_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "SIGNUPS_JOIN_RATE_LIMIT": UNLIMITED_JOINS,
            **extra_env,
        }
        command = [sys.executable, str(DAYTIME_NOTIFICATIONS)] if daytime else None
        process = LaunchedService(name, env, log_dir, port=port, command=command)
        self.services.append(process.start())
        return process

    @contextmanager
    def fresh_vhost(self) -> Iterator[str]:
        """A vhost of its own for one scenario, so no durable queue left by one (e.g.
        notifications' volunteers queue) collects another's events. With RABBITMQ_URL set (a
        broker of the developer's own) the run's one vhost is kept."""
        if os.environ.get("RABBITMQ_URL") or not shutil.which("rabbitmqctl"):
            yield self.rabbitmq_url
            return
        shared = self.rabbitmq_url
        with local_vhost(LOCAL_RABBITMQ, prefix="together-bench") as url:
            self.rabbitmq_url = url
            try:
                yield url
            finally:
                self.rabbitmq_url = shared

    def stop(self, process: ServiceProcess) -> None:
        process.stop()

    def stop_all(self) -> None:
        for process in self.services:
            process.stop()
        self.services.clear()


@contextmanager
def stack(work_dir: Path) -> Iterator[Stack]:
    """The store (embedded unless MONGODB_URL is set) and a fresh vhost (unless RABBITMQ_URL)."""
    with ExitStack() as exits:
        rabbitmq = os.environ.get("RABBITMQ_URL") or exits.enter_context(
            local_vhost(LOCAL_RABBITMQ, prefix="together-bench")
        )
        mongodb = os.environ.get("MONGODB_URL")
        store_pid = None
        if not mongodb:
            store = EmbeddedStore(work_dir / "store").start()
            exits.callback(store.stop)
            mongodb = store.url
            store_pid = store.process.pid if store.process else None
        running = Stack(rabbitmq, mongodb, work_dir, store_pid=store_pid)
        exits.callback(running.stop_all)
        yield running
