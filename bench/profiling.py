"""`--profile`: py-spy records a service process while a scenario loads it (collapsed stacks and
a flame graph under `<out>/profiles/`), for finding what bounds a figure."""

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def py_spy() -> str | None:
    return shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")


@contextmanager
def recording(pid: int, out: Path, name: str, *, enabled: bool) -> Iterator[None]:
    """Record `pid` with py-spy (if enabled and installed) until the block ends."""
    command = py_spy()
    if not enabled or command is None:
        yield
        return
    out.mkdir(parents=True, exist_ok=True)
    spies = [
        subprocess.Popen(
            [
                command,
                "record",
                "--pid",
                str(pid),
                "--rate",
                "200",
                "--format",
                fmt,
                "--output",
                str(out / f"{name}.{suffix}"),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fmt, suffix in (("raw", "txt"), ("flamegraph", "svg"))
    ]
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
        for spy in spies:
            try:
                spy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                spy.kill()
