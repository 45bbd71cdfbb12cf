"""Ports for processes a test starts: never the same one twice, though none is bound yet; and
processes that end with whoever started them."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from together_kit.dev.stack import free_port

pytestmark = pytest.mark.integration


def test_free_port_never_hands_out_a_port_twice() -> None:
    """The kernel offers a just-released port again now and then (2 repeats in 300 calls, seen);
    handed to two services starting together, the second fails to bind."""
    ports = [free_port() for _ in range(2000)]
    assert len(set(ports)) == len(ports)


TAG = "TOGETHER_DEVSTACK_TEST_TAG"
STARTER = """
import os, subprocess, sys, time
from together_kit.dev.stack import die_with_parent, watched
way, command = sys.argv[1], sys.argv[2:]
if way == "pdeathsig":
    child = subprocess.Popen(command, preexec_fn=die_with_parent())
elif way == "follow":  # what `watched` runs where there is no parent-death signal
    child = subprocess.Popen([sys.executable, "-m", "together_kit.dev.stack", str(os.getpid()), *command])
else:  # "watch": the child watches for itself (together_kit.serve, told the supervisor's pid)
    child = subprocess.Popen([*command, str(os.getpid())])
print(child.pid, flush=True)
time.sleep(600)
"""
SLEEPER = "import time; time.sleep(600)"
WATCHER = """
import os, sys, time
from together_kit.dev.stack import watch_parent
watch_parent(int(sys.argv[1]), on_gone=lambda: os._exit(0))
time.sleep(600)
"""


def alive(tag: str) -> list[int]:
    """Live processes (not zombies) whose environment carries `tag`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if f"{TAG}={tag}".encode() in environ and state != "Z":
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
@pytest.mark.parametrize(
    ("way", "child"),
    [("pdeathsig", SLEEPER), ("follow", SLEEPER), ("watch", WATCHER)],
)
def test_a_child_ends_when_whoever_started_it_is_killed(way: str, child: str) -> None:
    """`make run`'s services and store end with the supervisor even when it is SIGKILLed: by the
    parent-death signal on Linux, by a parent watch elsewhere (both ways tried here)."""
    tag = uuid.uuid4().hex
    env = {**os.environ, TAG: tag}
    starter = subprocess.Popen(
        [sys.executable, "-c", STARTER, way, sys.executable, "-c", child],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert starter.stdout is not None
        child_pid = int(starter.stdout.readline())
        started = time.monotonic() + 10  # its /proc entry cannot be read while it execs
        while child_pid not in alive(tag):
            assert time.monotonic() < started, f"{way}: the child {child_pid} never ran"
            time.sleep(0.05)
        starter.kill()
        starter.wait(timeout=10)
        deadline = time.monotonic() + 20
        while alive(tag):
            assert time.monotonic() < deadline, f"{way}: still running: {alive(tag)}"
            time.sleep(0.1)
    finally:
        for pid in [starter.pid, *alive(tag)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
