"""Local stand-ins for production infrastructure, for `make run` and the test harness.

`EmbeddedStore` runs nx-27017 (a MongoDB-wire-protocol server on SQLite) as a child process;
`local_vhost` gives a test session a RabbitMQ virtual host of its own on the local broker.
`die_with_parent` makes a child process end with whoever started it, however that ends.
"""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
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


def port_taken(host: str, port: int) -> bool:
    """Whether a server could not listen on `host:port` now (bound as uvicorn and aiosmtpd bind:
    with `SO_REUSEADDR`, so a connection of a past run in TIME_WAIT does not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


PR_SET_PDEATHSIG = 1
PARENT_WATCH_SECONDS = 0.5


def die_with_parent() -> Callable[[], None] | None:
    """The `preexec_fn` that makes a child end with this process, where the system can: on Linux
    the child asks for SIGTERM when its parent ends, even by SIGKILL (prctl(2) PR_SET_PDEATHSIG),
    and ends at once if this process is already gone. None elsewhere (see `watched`).

    Linux ties the signal to the thread that started the child: start children from the main
    thread (or one that lives as long as they should)."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork
    parent = os.getpid()

    def ask_for_sigterm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)

    return ask_for_sigterm


def watched(command: Sequence[str]) -> list[str]:
    """`command`, run under this module's parent watch where `die_with_parent` cannot work."""
    if die_with_parent() is not None:
        return list(command)
    return [sys.executable, "-m", "together_kit.dev.stack", str(os.getpid()), *command]


def follow_parent(parent: int, command: Sequence[str]) -> int:
    """Run `command`; when `parent` is no longer this process's parent, SIGTERM it and end.
    SIGTERM and SIGINT received here are passed on to it."""
    child = subprocess.Popen(list(command))
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda number, _frame: child.send_signal(number))
    while child.poll() is None:
        if os.getppid() != parent:
            child.terminate()
            with suppress(subprocess.TimeoutExpired):
                return child.wait(timeout=10)
            child.kill()
        time.sleep(PARENT_WATCH_SECONDS)
    return child.returncode


def watch_parent(parent: int, *, on_gone: Callable[[], None]) -> threading.Thread:
    """A daemon thread that calls `on_gone` once `parent` is no longer this process's parent:
    the fallback to `die_with_parent` for a process of ours (together_kit.serve)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_WATCH_SECONDS)
        on_gone()

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread


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
            watched(
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
                ]
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent(),
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


if (
    __name__ == "__main__"
):  # `python -m together_kit.dev.stack PARENT_PID COMMAND...`: see `watched`
    sys.exit(follow_parent(int(sys.argv[1]), sys.argv[2:]))
