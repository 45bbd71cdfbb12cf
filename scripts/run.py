"""`make run`: every service on one terminal, with the store and the broker they need.

Starts the embedded store (data kept in var/mongo) unless MONGODB_URL is set, checks RabbitMQ
at RABBITMQ_URL (starting a local rabbitmq-server if one is installed), runs each service as a
child process with its output prefixed by its name, waits for every /readyz and prints the URLs
to open. Ctrl-C or SIGTERM stops everything; a service dying on its own stops everything too.

    uv run python scripts/run.py [--services signups,notifications]
"""

import argparse
import asyncio
import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import uvicorn
from together_kit.devstack import EmbeddedStore, port_open, wait_for_port
from together_kit.mailsink import MailSink

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"signups": 8001, "moderation": 8002, "matching": 8003, "notifications": 8004}
COLOURS = {"signups": 36, "moderation": 35, "matching": 33, "notifications": 32}
WIDTH = max(map(len, SERVICES))
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@localhost:5672/"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
STORE_PORT = 27017
MAIL_SMTP_PORT = 1025
MAIL_PAGE_PORT = 8025
BROKER_TIMEOUT = 60.0
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
USE_COLOUR = sys.stdout.isatty() and "NO_COLOR" not in os.environ

Children = dict[str, asyncio.subprocess.Process]


def say(source: str, line: str) -> None:
    label = f"{source:<{WIDTH}}"
    if USE_COLOUR:
        label = f"\033[{COLOURS.get(source, 1)}m{label}\033[0m"
    print(f"{label} | {line}", flush=True)


def fail(source: str, line: str) -> NoReturn:
    say(source, line)
    raise SystemExit(1)


def port_of(name: str) -> int:
    return int(os.environ.get(f"{name.upper()}_PORT", SERVICES[name]))


def ensure_broker(url: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port or 5672
    if port_open(host, port):
        return
    server = shutil.which("rabbitmq-server")
    if server is None or host not in LOCAL_HOSTS:
        print(
            f"RabbitMQ is not reachable at {url}: start one with 'docker compose up -d rabbitmq'"
            " or 'sudo apt-get install rabbitmq-server'"
        )
        raise SystemExit(1)
    say("broker", f"nothing on {host}:{port}; running {server} -detached (it is left running)")
    try:
        subprocess.run([server, "-detached"], check=False, timeout=BROKER_TIMEOUT)
        wait_for_port(host, port, timeout=BROKER_TIMEOUT)
    except (subprocess.SubprocessError, TimeoutError) as error:
        fail("broker", f"rabbitmq-server did not come up: {error}")
    say("broker", f"ready on {host}:{port}")


def start_store() -> EmbeddedStore:
    port = None if port_open("127.0.0.1", STORE_PORT) else STORE_PORT
    store = EmbeddedStore(ROOT / "var" / "mongo", port=port)
    if port is None:
        say("store", f"port {STORE_PORT} is taken; using {store.port} instead")
    say("store", f"starting on {store.url} (data and log in var/mongo)")
    try:
        store.start()
    except TimeoutError as error:
        store.stop()
        fail("store", f"{error}; see var/mongo/nx-27017.log")
    say("store", "ready")
    return store


def ready(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/readyz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def exited(children: Children) -> list[str]:
    return [
        f"{name} exited with status {proc.returncode}"
        for name, proc in children.items()
        if proc.returncode is not None
    ]


def signal_group(proc: asyncio.subprocess.Process, sig: signal.Signals) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)


async def pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def spawn(name: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        name,
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        limit=1024 * 1024,
    )


async def pump(name: str, stream: asyncio.StreamReader) -> None:
    while True:
        try:
            raw = await stream.readline()
        except ValueError:
            say(name, "(an over-long line was dropped)")
            continue
        if not raw:
            return
        say(name, raw.decode(errors="replace").rstrip())


async def wait_until_ready(children: Children, stop: asyncio.Event) -> list[str]:
    pending = list(children)
    deadline = time.monotonic() + READY_TIMEOUT
    while pending and not stop.is_set():
        if failed := exited(children):
            return failed
        checks = await asyncio.gather(*(asyncio.to_thread(ready, port_of(n)) for n in pending))
        pending = [name for name, ok in zip(pending, checks, strict=True) if not ok]
        if pending and time.monotonic() > deadline:
            return [f"{name} was not ready within {READY_TIMEOUT:.0f}s" for name in pending]
        await pause(stop, 0.5)
    return []


def print_urls(names: list[str]) -> None:
    lines = ["Ready. Open:", ""]
    for name in names:
        base = f"http://127.0.0.1:{port_of(name)}"
        lines.append(f"{name:<{WIDTH}}  {base}/docs  {base}/asyncapi.json")
    if "signups" in names:
        lines += ["", f"Join form: http://127.0.0.1:{port_of('signups')}/join"]
    lines.append(f"Mail sent (local inbox): http://127.0.0.1:{MAIL_PAGE_PORT}")
    lines += ["", "RabbitMQ management (if enabled): http://127.0.0.1:15672", "Ctrl-C stops all."]
    width = max(map(len, lines))
    print("┌" + "─" * (width + 2) + "┐")
    for line in lines:
        print(f"│ {line:<{width}} │")
    print("└" + "─" * (width + 2) + "┘", flush=True)


async def terminate(children: Children) -> None:
    running = [proc for proc in children.values() if proc.returncode is None]
    for proc in running:
        signal_group(proc, signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.gather(*(p.wait() for p in running)), STOP_TIMEOUT)
    except TimeoutError:
        for name, proc in children.items():
            if proc.returncode is None:
                say(name, f"still running after {STOP_TIMEOUT:.0f}s; killing it")
                signal_group(proc, signal.SIGKILL)
        await asyncio.gather(*(p.wait() for p in running))


class QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the supervisor owns Ctrl-C."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def supervise(names: list[str], env: dict[str, str], sink: MailSink | None) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    children: Children = {}
    pumps: list[asyncio.Task[None]] = []
    mail_page = None
    if sink is not None:
        config = uvicorn.Config(
            sink.app(), host="127.0.0.1", port=MAIL_PAGE_PORT, log_level="warning"
        )
        mail_page = QuietServer(config)
        pumps.append(asyncio.create_task(mail_page.serve()))
    try:
        for name in names:
            children[name] = proc = await spawn(name, env)
            assert proc.stdout is not None
            pumps.append(asyncio.create_task(pump(name, proc.stdout)))
        if failed := await wait_until_ready(children, stop):
            print("Failed to start: " + "; ".join(failed), flush=True)
            return 1
        if not stop.is_set():
            print_urls(names)
        while not stop.is_set():
            if died := exited(children):
                print("Stopping everything: " + "; ".join(died), flush=True)
                return 1
            await pause(stop, 0.5)
        return 0
    finally:
        await terminate(children)
        if mail_page is not None:
            mail_page.should_exit = True
        if pumps:
            await asyncio.wait(pumps, timeout=2)


def start_mail_sink(env: dict[str, str]) -> MailSink:
    sink = MailSink(folder=ROOT / "var" / "mail", smtp_port=MAIL_SMTP_PORT)
    sink.start()
    env["NOTIFICATIONS_SMTP_HOST"] = "127.0.0.1"
    env["NOTIFICATIONS_SMTP_PORT"] = str(MAIL_SMTP_PORT)
    say(
        "mail",
        f"SMTP sink on 127.0.0.1:{MAIL_SMTP_PORT}; inbox at http://127.0.0.1:{MAIL_PAGE_PORT}",
    )
    return sink


def parse_services(value: str) -> list[str]:
    names = list(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if unknown := [n for n in names if n not in SERVICES]:
        raise argparse.ArgumentTypeError(f"unknown service(s): {', '.join(unknown)}")
    return names or list(SERVICES)


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the services on one terminal.")
    parser.add_argument(
        "--services", type=parse_services, default=list(SERVICES), help="comma-separated subset"
    )
    names: list[str] = parser.parse_args().services
    env = dict(os.environ)
    env.setdefault("LOG_FORMAT", "console")
    env["PYTHONUNBUFFERED"] = "1"
    ensure_broker(env.setdefault("RABBITMQ_URL", DEFAULT_RABBITMQ_URL))
    store = None if env.get("MONGODB_URL") else start_store()
    if store is not None:
        env["MONGODB_URL"] = store.url
    sink = None if env.get("NOTIFICATIONS_SMTP_HOST") else start_mail_sink(env)
    try:
        return asyncio.run(supervise(names, env, sink))
    except KeyboardInterrupt:
        return 0
    finally:
        if sink is not None:
            sink.stop()
        if store is not None:
            store.stop()
            say("store", "stopped")


if __name__ == "__main__":
    sys.exit(main())
