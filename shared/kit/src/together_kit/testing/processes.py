"""Services under test as real processes: start, wait for readiness, SIGKILL, restart."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from together_kit.dev.stack import free_port


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServiceProcess":
        prefix = self.name.upper()
        env = {**os.environ, **self.env, f"{prefix}_PORT": str(self.port), "LOG_FORMAT": "json"}
        log = (self.log_dir / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.name], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        return self

    @contextmanager
    def running(self) -> Iterator["ServiceProcess"]:
        """Started and ready inside the block; stopped on leaving it, however it is left."""
        self.start()
        try:
            self.wait_ready()
            yield self
        finally:
            self.stop()

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/readyz", timeout=3) as response:  # noqa: S310 (http only)
                return bool(response.status == 200)
        except OSError:
            return False

    def wait_ready(self, timeout: float = 30.0) -> float:
        """Block until /readyz answers 200; return how long that took."""
        started = time.monotonic()
        while not self.ready():
            if self.process and self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}; see {self.log_dir}"
                )
            if time.monotonic() - started > timeout:
                raise TimeoutError(
                    f"{self.name} not ready within {timeout:.0f}s; see {self.log_dir}"
                )
            time.sleep(0.1)
        return time.monotonic() - started

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def run_module(
    module: str,
    *args: str,
    env: Mapping[str, str],
    input: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -m <module> <args>` as an operator runs it, with `env` over this process's own
    environment; the test fails unless it exits 0."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        input=input,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done
