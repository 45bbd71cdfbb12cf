"""Local stand-ins for production infrastructure, for `make run` and the test harness.

`EmbeddedStore` runs nx-27017 (a MongoDB-wire-protocol server on SQLite) as a child process;
`local_vhost` gives a test session a RabbitMQ virtual host of its own on the local broker.
"""

import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

_handed_out: set[int] = set()
_handing_out = threading.Lock()


def free_port() -> int:
    """A port free now and never handed out before by this process.

    The caller binds it a moment later (a service process takes seconds to start), and the
    kernel may offer the same free port to the next caller meanwhile: seen as two replicas of one
    service given one port, the second failing to bind while the first answered for both."""
    with _handing_out:
        while True:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = int(sock.getsockname()[1])
            if port not in _handed_out:
                _handed_out.add(port)
                return port


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not port_open(host, port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing answered on {host}:{port} within {timeout:.0f}s")
        time.sleep(0.1)


class EmbeddedStore:
    """nx-27017 on a port, one SQLite file per database under `data_dir`."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, *, timeout: float = 30.0) -> "EmbeddedStore":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = shutil.which("nx-27017", path=str(Path(sys.executable).parent)) or "nx-27017"
        log = (self.data_dir / "nx-27017.log").open("ab")
        self.process = subprocess.Popen(
            [
                command,
                "--data-dir",
                str(self.data_dir),
                "--pid-file",
                str(self.data_dir / "nx-27017.pid"),
                "--host",
                "127.0.0.1",
                "-p",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not port_open("127.0.0.1", self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nx-27017 did not start; see {self.data_dir / 'nx-27017.log'}")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def with_vhost(url: str, vhost: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), "", ""))


@contextmanager
def local_vhost(url: str, *, prefix: str = "together-test") -> Iterator[str]:
    """A fresh virtual host on the local broker for one test session, deleted afterwards."""
    vhost = f"{prefix}-{uuid.uuid4().hex[:8]}"
    user = urlsplit(url).username or "guest"
    rabbitmqctl("add_vhost", vhost)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        yield with_vhost(url, vhost)
    finally:
        rabbitmqctl("delete_vhost", vhost)


def close_vhost_connections(vhost: str) -> None:
    """Drop every client connection to one virtual host, as a network fault would."""
    rabbitmqctl("close_all_connections", "-p", vhost, "together fault test")


def vhost_of(url: str) -> str:
    path = urlsplit(url).path.lstrip("/")
    return path or "/"
