import shutil
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from together_kit.devstack import local_vhost, vhost_of
from together_kit.testing.processes import ServiceProcess


class System:
    """Services of one test as real processes, sharing a fresh vhost and databases of their own."""

    def __init__(self, *, rabbitmq_url: str, mongodb_url: str, log_dir: Path) -> None:
        self.rabbitmq_url = rabbitmq_url
        self.mongodb_url = mongodb_url
        self.log_dir = log_dir
        self.run_id = uuid.uuid4().hex[:8]
        self.processes: dict[str, ServiceProcess] = {}

    def database(self, service: str) -> str:
        return f"e2e{self.run_id}_{service}"

    def start(self, service: str, **extra_env: str) -> ServiceProcess:
        env = {
            **extra_env,
            "RABBITMQ_URL": self.rabbitmq_url,
            "MONGODB_URL": self.mongodb_url,
            f"{service.upper()}_MONGODB_DATABASE": self.database(service),
            f"{service.upper()}_OUTBOX_POLL_SECONDS": "0.2",
            "SIGNUPS_JOIN_RATE_LIMIT": "100000/minute",
        }
        previous = self.processes.get(service)
        process = ServiceProcess(
            service, env, self.log_dir, **({"port": previous.port} if previous else {})
        )
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
