"""`make run` (scripts/run.py) as a newcomer meets it: every port it opens is a setting, a taken
port stops it in one line with nothing left running, a service that cannot start says why, the
URL box lists the pages people use, and a supervisor killed outright takes every child with it.

Each run has all its ports on free ports (through the settings), the embedded store in a folder
of the test's own (`VAR_DIR`), a virtual host of its own, and a tag in its environment that every
process it starts inherits: what is still running after it ended is found by that tag.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, suppress
from pathlib import Path
from typing import TypeVar

import pytest
from together_kit.dev.stack import free_port, local_vhost

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "scripts" / "run.py"
TAG = "TOGETHER_RUN_TEST_TAG"
SERVICE_PORTS = ("SIGNUPS_PORT", "MODERATION_PORT", "MATCHING_PORT", "NOTIFICATIONS_PORT")
OTHER_PORTS = ("STORE_PORT", "MAIL_SMTP_PORT", "MAIL_PAGE_PORT", "SMS_SINK_PORT", "CALL_SIM_PORT")


def tagged(tag: str) -> list[int]:
    """Live processes (not zombies) whose environment carries `tag`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if f"{TAG}={tag}".encode() in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


T = TypeVar("T")


def until(get: Callable[[], T | None], *, what: str, timeout: float = 60.0) -> T:
    """`get()` once it answers something other than None (these tests wait in plain threads)."""
    deadline = time.monotonic() + timeout
    while (found := get()) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f}s: {what}")
        time.sleep(0.2)
    return found


def eventually(check: Callable[[], bool], *, what: str, timeout: float) -> None:
    until(lambda: True if check() else None, what=what, timeout=timeout)


class Run:
    """scripts/run.py as `make run` starts it (or `command` in `cwd`, in a process group of its
    own with `own_group`, as a terminal's foreground job), its output read line by line."""

    def __init__(
        self,
        env: dict[str, str],
        tag: str,
        *args: str,
        command: Sequence[str] | None = None,
        cwd: Path = ROOT,
        own_group: bool = False,
    ) -> None:
        self.tag = tag
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            list(command or [sys.executable, str(RUN), *args]),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=own_group,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, *, timeout: float) -> None:
        eventually(
            lambda: text in self.output or self.process.poll() is not None,
            what=f"{text!r} in the output",
            timeout=timeout,
        )
        assert text in self.output, self.output[-3000:]

    def ended(self, *, timeout: float) -> int:
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout=5)
        return code

    def kill_everything(self) -> None:
        """Teardown: whatever a failed test left behind."""
        for pid in [self.process.pid, *tagged(self.tag)]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def run_env(rabbitmq_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of one `make run`: every port free, nothing of the developer's."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MONGODB_", "NOTIFICATIONS_", "SIGNUPS_", "MATCHING_"))
        and not key.startswith(("MODERATION_", "STORE_", "MAIL_", "SMS_"))
    }
    env |= {name: str(free_port()) for name in (*SERVICE_PORTS, *OTHER_PORTS)}
    env |= {
        "RABBITMQ_URL": rabbitmq_url,
        "VAR_DIR": str(tmp_path / "var"),
        "NO_COLOR": "1",
        TAG: uuid.uuid4().hex,
    }
    return env


@pytest.fixture
def vhost(rabbitmq_url: str) -> Iterator[dict[str, str]]:
    """A virtual host of the run's own, for runs whose services start."""
    if "127.0.0.1" not in rabbitmq_url:
        yield {}
        return
    with local_vhost(rabbitmq_url, prefix="together-run") as url:
        yield {"RABBITMQ_URL": url}


@pytest.fixture
def start_run(run_env: dict[str, str]) -> Iterator[Callable[..., Run]]:
    runs: list[Run] = []

    def start(*args: str, **env: str) -> Run:
        run = Run({**run_env, **env}, run_env[TAG], *args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill_everything()


@pytest.mark.parametrize(
    ("setting", "what"),
    [
        ("MAIL_SMTP_PORT", "the mail sink's SMTP port"),
        ("STORE_PORT", "the embedded store's port"),
        ("SIGNUPS_PORT", "the signups service's port"),
    ],
)
def test_a_taken_port_stops_the_run_in_one_line_with_nothing_left_running(
    start_run: Callable[..., Run], run_env: dict[str, str], setting: str, what: str
) -> None:
    port = int(run_env[setting])
    with closing(socket.socket()) as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        run = start_run()
        code = run.ended(timeout=60)

    assert code != 0
    assert run.lines == [f"port {port} ({what}) is taken: set {setting} to a free port"]
    assert tagged(run.tag) == []


def test_a_service_that_cannot_start_says_why_and_nothing_is_left_running(
    start_run: Callable[..., Run], vhost: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-GB.txt"
    run = start_run("--services", "matching", MATCHING_GEONAMES_PATH=str(missing), **vhost)
    code = run.ended(timeout=120)

    assert code != 0
    [said] = [line for line in run.lines if line.startswith("Could not start:")]
    assert said.startswith("Could not start: matching ended"), said
    assert str(missing) in said
    assert "unavailable" not in said
    assert tagged(run.tag) == []


def test_the_url_box_lists_the_pages_and_a_killed_supervisor_leaves_nothing_running(
    start_run: Callable[..., Run], vhost: dict[str, str], run_env: dict[str, str]
) -> None:
    run = start_run(**vhost)
    run.wait_for("Ctrl-C stops all.", timeout=150)
    box = run.output[run.output.rindex("Ready. Open:") :]

    def url(setting: str, path: str) -> str:
        return f"http://127.0.0.1:{run_env[setting]}{path}"

    for what, address in [
        ("home", url("SIGNUPS_PORT", "/")),
        ("join", url("SIGNUPS_PORT", "/join")),
        ("share a story", url("MODERATION_PORT", "/share")),
        ("stories", url("MODERATION_PORT", "/stories")),
        ("events", url("MATCHING_PORT", "/events")),
        ("list an event", url("MATCHING_PORT", "/events/new")),
        ("gap map", url("MATCHING_PORT", "/gaps")),
        ("moderation", url("MODERATION_PORT", "/moderation")),
        ("mail inbox", url("MAIL_PAGE_PORT", "/")),
        ("text inbox", url("SMS_SINK_PORT", "/")),
        ("phone call", url("CALL_SIM_PORT", "/")),
        ("support", url("NOTIFICATIONS_PORT", "/support/messages")),
    ]:
        assert f"│ {what:<15} {address} " in box, (what, box)
    assert "Admin key (support pages' password, X-API-Key): " in box
    children = tagged(run.tag)
    assert len(children) >= 5, "four services and the store"  # the sink is in the supervisor

    run.process.send_signal(signal.SIGKILL)
    run.ended(timeout=10)
    eventually(
        lambda: tagged(run.tag) == [],
        what="every service and the store ended with the supervisor",
        timeout=60,
    )


def test_a_closed_terminal_stops_the_run_and_everything_it_started(
    start_run: Callable[..., Run], vhost: dict[str, str]
) -> None:
    run = start_run("--services", "signups", **vhost)
    run.wait_for("Ctrl-C stops all.", timeout=120)
    assert len(tagged(run.tag)) >= 3, "the supervisor, signups and the store"

    run.process.send_signal(signal.SIGHUP)

    assert run.ended(timeout=60) == 0, run.output[-2000:]
    assert "store         | stopped" in run.output
    assert tagged(run.tag) == []
