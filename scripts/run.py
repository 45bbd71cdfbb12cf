"""`make run`: every service on one terminal, with the store and the broker they need.

Starts the embedded store (data kept in var/mongo) unless MONGODB_URL is set, checks RabbitMQ
at RABBITMQ_URL (starting a local rabbitmq-server if one is installed), starts a local mail sink
unless NOTIFICATIONS_SMTP_HOST is set and a local SMS sink (GOV.UK Notify's API, with an inbox page)
unless NOTIFICATIONS_SMS_PROVIDER is set, and a phone call simulator (Twilio's side of moderation's
voice line, with a "Simulate a phone call" page) unless MODERATION_TWILIO_API_URL is set, runs each
service as a child process with its output prefixed by its name, waits for every /readyz and
prints the pages to open.

Every port it opens is a setting (an environment variable, listed by --help); a port already
taken stops it before anything starts, with one line naming the setting to change. Ctrl-C,
SIGTERM or a closed terminal stops everything; so does a service dying on its own; and should the
supervisor itself be killed, its children end with it (together_kit.dev.stack.die_with_parent).

    uv run python scripts/run.py [--services signups,notifications]
"""

import argparse
import asyncio
import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import uvicorn
from together_kit.dev.callsim import CallSimulator
from together_kit.dev.mailsink import MailSink
from together_kit.dev.smssink import SmsSink
from together_kit.dev.stack import (
    EmbeddedStore,
    die_with_parent,
    port_open,
    port_taken,
    wait_for_port,
)
from together_kit.serve import SUPERVISOR_PID

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = "VAR_DIR"
"""Where the embedded store keeps its data (mongo/), the mail sink its messages (mail/) and the
SMS sink its texts (sms/)."""
SERVICES = {"signups": 8001, "moderation": 8002, "matching": 8003, "notifications": 8004}
COLOURS = {"signups": 36, "moderation": 35, "matching": 33, "notifications": 32}
WIDTH = max(map(len, SERVICES))
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@localhost:5672/"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
BROKER_TIMEOUT = 60.0
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
TAIL_LINES = 80
USE_COLOUR = sys.stdout.isatty() and "NO_COLOR" not in os.environ
STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
ADMIN_KEY_SETTINGS = (
    "SIGNUPS_ADMIN_API_KEY",
    "NOTIFICATIONS_ADMIN_API_KEY",
    "MODERATION_ADMIN_API_KEY",
)


@dataclass(frozen=True)
class Port:
    """A port `make run` opens, and the setting that chooses it."""

    setting: str
    default: int
    what: str

    def number(self, env: dict[str, str]) -> int:
        given = env.get(self.setting, "").strip()
        if not given:
            return self.default
        if not given.isdigit() or not 0 < int(given) < 65536:
            stop(f"{self.setting}={given!r} is not a port number: set it to one from 1 to 65535")
        return int(given)


SERVICE_PORTS = {
    name: Port(f"{name.upper()}_PORT", port, f"the {name} service's port")
    for name, port in SERVICES.items()
}
STORE_PORT = Port("STORE_PORT", 27017, "the embedded store's port")
MAIL_SMTP_PORT = Port("MAIL_SMTP_PORT", 1025, "the mail sink's SMTP port")
MAIL_PAGE_PORT = Port("MAIL_PAGE_PORT", 8025, "the mail inbox page's port")
SMS_SHAPES = {"notify": "GOV.UK Notify's", "twilio": "Twilio's"}
SMS_SINK_PORT = Port("SMS_SINK_PORT", 8026, "the SMS sink's port (its API and inbox page)")
CALL_SIM_PORT = Port("CALL_SIM_PORT", 8027, "the phone call simulator's port (the voice line)")
EPILOG = (
    "Ports (environment variables, default in brackets):\n"
    + "\n".join(
        f"  {port.setting:<20} {port.what} [{port.default}]"
        for port in (
            *SERVICE_PORTS.values(),
            STORE_PORT,
            MAIL_SMTP_PORT,
            MAIL_PAGE_PORT,
            SMS_SINK_PORT,
            CALL_SIM_PORT,
        )
    )
    + "\nOther settings:\n"
    + "  MONGODB_URL          a store of your own instead of the embedded one\n"
    + "  NOTIFICATIONS_SMTP_HOST\n                       a mail relay of your own instead of the sink\n"
    + "  NOTIFICATIONS_SMS_PROVIDER\n                       texts by notify or twilio (with their"
    + " NOTIFICATIONS_ settings) or none, instead of the SMS sink\n"
    + "  SMS_SINK_SHAPE       the API the SMS sink speaks, notify or twilio [notify]\n"
    + "  RABBITMQ_URL         the broker [amqp://guest:guest@localhost:5672/]\n"
    + f"  {VAR_DIR:<20} the embedded store's data and the sink's mail [./var]"
)
EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?([A-Z]\w*(?:Error|Exception|Exit)): (.+)$")
ERROR_LINE = re.compile(r"\b(?:ERROR|error|Error)\b")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Plan:
    """What this run starts, on which ports (each `Port` with its number)."""

    services: list[str]
    ports: dict[str, int]
    store: bool
    mail: bool
    texts: bool = False
    calls: bool = False
    admin_key: str | None = None
    wanted: list[tuple[Port, int]] = field(default_factory=list)

    def port(self, name: str) -> int:
        return self.ports[name]

    def url(self, name: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"


@dataclass
class Child:
    process: asyncio.subprocess.Process
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))
    pump: asyncio.Task[None] | None = None


Children = dict[str, Child]


def say(source: str, line: str) -> None:
    label = f"{source:<{WIDTH}}"
    if USE_COLOUR:
        label = f"\033[{COLOURS.get(source, 1)}m{label}\033[0m"
    print(f"{label} | {line}", flush=True)


def stop(line: str) -> NoReturn:
    """One line saying why nothing runs, and exit 1 (whatever started is stopped on the way out)."""
    print(line, flush=True)
    raise SystemExit(1)


def fail(source: str, line: str) -> NoReturn:
    say(source, line)
    raise SystemExit(1)


def plan_ports(names: list[str], env: dict[str, str]) -> Plan:
    """Every port this run opens, from its setting; stop if one is taken or given twice."""
    ports = {name: port.number(env) for name, port in SERVICE_PORTS.items()}
    plan = Plan(
        services=names,
        ports=ports,
        store=not env.get("MONGODB_URL"),
        mail=not env.get("NOTIFICATIONS_SMTP_HOST"),
        texts=not env.get("NOTIFICATIONS_SMS_PROVIDER"),
        calls="moderation" in names and not env.get("MODERATION_TWILIO_API_URL"),
    )
    plan.wanted = [(SERVICE_PORTS[name], ports[name]) for name in names]
    if plan.store:
        plan.wanted.append((STORE_PORT, STORE_PORT.number(env)))
    if plan.mail:
        plan.wanted.append((MAIL_SMTP_PORT, MAIL_SMTP_PORT.number(env)))
        plan.wanted.append((MAIL_PAGE_PORT, MAIL_PAGE_PORT.number(env)))
    if plan.texts:
        plan.wanted.append((SMS_SINK_PORT, SMS_SINK_PORT.number(env)))
    if plan.calls:
        plan.wanted.append((CALL_SIM_PORT, CALL_SIM_PORT.number(env)))
    given: dict[int, Port] = {}
    for port, number in plan.wanted:
        if number in given:
            stop(
                f"port {number} is set for both {given[number].setting} and {port.setting}:"
                f" set one of them to another free port"
            )
        given[number] = port
        host = env.get(port.setting.removesuffix("_PORT") + "_HOST", "127.0.0.1")
        if port_taken(host if port in SERVICE_PORTS.values() else "127.0.0.1", number):
            stop(f"port {number} ({port.what}) is taken: set {port.setting} to a free port")
    return plan


def wire(plan: Plan, env: dict[str, str]) -> None:
    """Tell every service its own port and every service's address (links in pages and emails
    point at this run's ports), give the support pages an admin key unless one is set, and
    moderation and signups one staff pass secret (moderation vouches for staff to signups)."""
    for name, number in plan.ports.items():
        env[SERVICE_PORTS[name].setting] = str(number)
        env.setdefault(f"{name.upper()}_PUBLIC_BASE_URL", plan.url(name, ""))
    if not any(env.get(setting) for setting in ADMIN_KEY_SETTINGS):
        key = secrets.token_urlsafe(24)
        for setting in ADMIN_KEY_SETTINGS:
            env[setting] = key
    plan.admin_key = env.get("NOTIFICATIONS_ADMIN_API_KEY") or env.get("SIGNUPS_ADMIN_API_KEY")
    staff_pass = env.get("MODERATION_STAFF_PASS_SECRET") or secrets.token_urlsafe(32)
    env["MODERATION_STAFF_PASS_SECRET"] = env["SIGNUPS_STAFF_PASS_SECRET"] = staff_pass
    env[SUPERVISOR_PID] = str(os.getpid())


def ensure_broker(url: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port or 5672
    if port_open(host, port):
        return
    server = shutil.which("rabbitmq-server")
    if server is None or host not in LOCAL_HOSTS:
        stop(
            f"RabbitMQ is not reachable at {url}: start one with 'docker compose up -d rabbitmq'"
            " or 'sudo apt-get install rabbitmq-server', or set RABBITMQ_URL"
        )
    say("broker", f"nothing on {host}:{port}; running {server} -detached (it is left running)")
    try:
        subprocess.run([server, "-detached"], check=False, timeout=BROKER_TIMEOUT)
        wait_for_port(host, port, timeout=BROKER_TIMEOUT)
    except (subprocess.SubprocessError, TimeoutError) as error:
        fail("broker", f"rabbitmq-server did not come up: {error}")
    say("broker", f"ready on {host}:{port}")


def var_dir(env: dict[str, str]) -> Path:
    return Path(env.get(VAR_DIR) or ROOT / "var")


def start_store(env: dict[str, str], stack: contextlib.ExitStack) -> EmbeddedStore:
    port = STORE_PORT.number(env)
    folder = var_dir(env) / "mongo"
    store = EmbeddedStore(folder, port=port)
    stack.callback(stop_store, store)
    say("store", f"starting on {store.url} (data and log in {folder})")
    try:
        store.start()
    except (RuntimeError, TimeoutError, OSError) as error:
        fail("store", f"{error}; if port {port} is taken, set {STORE_PORT.setting}")
    say("store", "ready")
    return store


def stop_store(store: EmbeddedStore) -> None:
    if store.process is not None:
        store.stop()
        say("store", "stopped")


def start_mail_sink(env: dict[str, str], stack: contextlib.ExitStack) -> MailSink:
    port = MAIL_SMTP_PORT.number(env)
    sink = MailSink(folder=var_dir(env) / "mail", smtp_port=port)
    try:
        sink.start()
    except (OSError, RuntimeError) as error:
        stop(
            f"port {port} ({MAIL_SMTP_PORT.what}) could not be opened ({error}):"
            f" set {MAIL_SMTP_PORT.setting} to a free port"
        )
    stack.callback(sink.stop)
    env["NOTIFICATIONS_SMTP_HOST"] = "127.0.0.1"
    env["NOTIFICATIONS_SMTP_PORT"] = str(port)
    say("mail", f"SMTP sink on 127.0.0.1:{port}; inbox at {inbox_url(env)}")
    return sink


def start_sms_sink(
    plan: Plan, env: dict[str, str], sock: socket.socket, stack: contextlib.ExitStack
) -> SmsSink:
    """The SMS sink in Notify's shape (or Twilio's: SMS_SINK_SHAPE) on its port, with keys of
    this run's own, and notifications told to text through it (its receipts and replies go to
    this run's notifications)."""
    shape = env.get("SMS_SINK_SHAPE", "").strip() or "notify"
    if shape not in SMS_SHAPES:
        stop(f"SMS_SINK_SHAPE={shape!r} is not an SMS provider's API: set it to notify or twilio")
    sink = SmsSink(
        folder=var_dir(env) / "sms",
        shape="twilio" if shape == "twilio" else "notify",
        notifications_url=plan.url("notifications", ""),
        notify_api_key=f"together_dev-{uuid.uuid4()}-{uuid.uuid4()}",
        notify_callback_token=secrets.token_urlsafe(32),
        twilio_account_sid=f"AC{uuid.uuid4().hex}",
        twilio_auth_token=secrets.token_urlsafe(32),
    )
    sink.start(sock)
    stack.callback(sink.stop)
    env.update(sink.notifications_env())
    say("texts", f"SMS sink ({SMS_SHAPES[shape]} API) on {sink.url}; inbox at {sink.url}/")
    return sink


def start_call_simulator(
    plan: Plan, env: dict[str, str], sock: socket.socket, stack: contextlib.ExitStack
) -> CallSimulator:
    """The phone call simulator (Twilio's side of moderation's voice line) on its port, with an
    account of this run's own, and moderation's voice line turned on and pointed at it."""
    calls = CallSimulator(
        moderation_url=plan.url("moderation", ""),
        account_sid="AC" + secrets.token_hex(16),
        auth_token=secrets.token_hex(16),
    )
    calls.start(sock, queue_url=plan.url("moderation", "/moderation"))
    stack.callback(calls.stop)
    env["MODERATION_VOICE_ENABLED"] = "true"
    env["MODERATION_TWILIO_ACCOUNT_SID"] = calls.account_sid
    env["MODERATION_TWILIO_AUTH_TOKEN"] = calls.auth_token
    env["MODERATION_TWILIO_API_URL"] = calls.api_url
    say("calls", f"phone call simulator (Twilio's side of the voice line) on {calls.api_url}/")
    return calls


def inbox_url(env: dict[str, str]) -> str:
    return f"http://127.0.0.1:{MAIL_PAGE_PORT.number(env)}/"


def listen(port: Port, env: dict[str, str]) -> socket.socket:
    """A listening socket for a server in this process, opened before any child starts."""
    number = port.number(env)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", number))
        sock.listen(128)
    except OSError:
        sock.close()
        stop(f"port {number} ({port.what}) is taken: set {port.setting} to a free port")
    sock.set_inheritable(False)
    return sock


def ready(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/readyz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def reason(tail: deque[str]) -> str:
    """A child's own last word on why it ended: the message of the exception that ended it, else
    its last error line, else its last line."""
    lines = [ANSI.sub("", line).strip() for line in tail if line.strip()]
    for line in reversed(lines):
        if found := EXCEPTION_LINE.match(line):
            return found[2]
    for line in reversed(lines):
        if ERROR_LINE.search(line) and "Application startup failed" not in line:
            return line.removeprefix("ERROR:").strip()
    return lines[-1] if lines else "it printed nothing"


async def exited(children: Children) -> list[str]:
    """'<name> could not start: <its reason>' for each child that has ended."""
    ended = {name: c for name, c in children.items() if c.process.returncode is not None}
    pumps = [c.pump for c in ended.values() if c.pump is not None]
    if pumps:  # the last lines it wrote, read to the end
        await asyncio.wait(pumps, timeout=2)
    return [
        f"{name} ended (status {c.process.returncode}): {reason(c.tail)}{hint(name, c.tail)}"
        for name, c in ended.items()
    ]


def hint(name: str, tail: deque[str]) -> str:
    """What to change when a service lost its port to another program after the check."""
    if any("address already in use" in line for line in tail):
        return f" (set {SERVICE_PORTS[name].setting} to a free port)"
    return ""


def signal_group(proc: asyncio.subprocess.Process, sig: signal.Signals) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)


async def pause(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)


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
        preexec_fn=die_with_parent(),
        limit=1024 * 1024,
    )


async def pump(name: str, stream: asyncio.StreamReader, tail: deque[str]) -> None:
    while True:
        try:
            raw = await stream.readline()
        except ValueError:
            say(name, "(an over-long line was dropped)")
            continue
        if not raw:
            return
        line = raw.decode(errors="replace").rstrip()
        tail.append(line)
        say(name, line)


async def wait_until_ready(plan: Plan, children: Children, stopping: asyncio.Event) -> list[str]:
    pending = list(children)
    deadline = time.monotonic() + READY_TIMEOUT
    while pending and not stopping.is_set():
        if failed := await exited(children):
            return failed
        checks = await asyncio.gather(*(asyncio.to_thread(ready, plan.port(n)) for n in pending))
        pending = [name for name, ok in zip(pending, checks, strict=True) if not ok]
        if pending and time.monotonic() > deadline:
            return [f"{name} was not ready within {READY_TIMEOUT:.0f}s" for name in pending]
        await pause(stopping, 0.5)
    return []


def url_box(plan: Plan, env: dict[str, str]) -> list[str]:
    """The pages people use, then the support and developer ones."""
    pages = [
        ("signups", "home", "/"),
        ("signups", "join", "/join"),
        ("signups", "open letter", "/letter"),
        ("signups", "pledges", "/pledges"),
        ("moderation", "share a story", "/share"),
        ("moderation", "stories", "/stories"),
        ("moderation", "talk together", "/talk"),
        ("moderation", "thank-you wall", "/thanks"),
        ("matching", "events", "/events"),
        ("matching", "list an event", "/events/new"),
        ("matching", "gap map", "/gaps"),
        ("moderation", "moderation", "/moderation"),
    ]
    running = set(plan.services)
    lines = ["Ready. Open:", ""]
    lines += [f"{what:<15} {plan.url(name, path)}" for name, what, path in pages if name in running]
    if plan.mail:
        lines.append(f"{'mail inbox':<15} {inbox_url(env)}")
    if plan.texts:
        lines.append(f"{'text inbox':<15} http://127.0.0.1:{SMS_SINK_PORT.number(env)}/")
    if plan.calls:
        lines.append(f"{'phone call':<15} http://127.0.0.1:{CALL_SIM_PORT.number(env)}/")
    if "notifications" in running:
        lines.append(f"{'support':<15} {plan.url('notifications', '/support/messages')}")
    if plan.admin_key:
        lines += ["", f"Admin key (support pages' password, X-API-Key): {plan.admin_key}"]
    if "moderation" in running:
        store = env["MONGODB_URL"] if plan.store else "$MONGODB_URL"
        lines += [
            "First lead moderator (then sign in at /moderation):",
            f"  MONGODB_URL='{store}' .venv/bin/python -m moderation.cli create-lead"
            " --email you@example.org --name You",
        ]
    lines += ["", "API docs:"]
    lines += [
        f"  {name:<{WIDTH}}  {plan.url(name, '/docs')}  {plan.url(name, '/asyncapi.json')}"
        for name in plan.services
    ]
    lines += ["", "RabbitMQ management (if enabled): http://127.0.0.1:15672", "Ctrl-C stops all."]
    return lines


def print_box(lines: list[str]) -> None:
    width = max(map(len, lines))
    print("┌" + "─" * (width + 2) + "┐")
    for line in lines:
        print(f"│ {line:<{width}} │")
    print("└" + "─" * (width + 2) + "┘", flush=True)


async def terminate(children: Children) -> None:
    running = [c.process for c in children.values() if c.process.returncode is None]
    for proc in running:
        signal_group(proc, signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.gather(*(p.wait() for p in running)), STOP_TIMEOUT)
    except TimeoutError:
        for name, child in children.items():
            if child.process.returncode is None:
                say(name, f"still running after {STOP_TIMEOUT:.0f}s; killing it")
                signal_group(child.process, signal.SIGKILL)
        await asyncio.gather(*(p.wait() for p in running))


class QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the supervisor owns Ctrl-C."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def supervise(
    plan: Plan, env: dict[str, str], sink: MailSink | None, page: socket.socket | None
) -> int:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOPPING_SIGNALS:
        loop.add_signal_handler(sig, stopping.set)
    children: Children = {}
    tasks: list[asyncio.Task[None]] = []
    mail_page = None
    if sink is not None and page is not None:
        config = uvicorn.Config(
            sink.app(join_url=plan.url("signups", "/join")), log_level="warning"
        )
        mail_page = QuietServer(config)
        tasks.append(asyncio.create_task(mail_page.serve(sockets=[page])))
    try:
        for name in plan.services:
            proc = await spawn(name, env)
            children[name] = child = Child(proc)
            assert proc.stdout is not None
            child.pump = asyncio.create_task(pump(name, proc.stdout, child.tail))
            tasks.append(child.pump)
        if failed := await wait_until_ready(plan, children, stopping):
            print("Could not start: " + "; ".join(failed), flush=True)
            return 1
        if not stopping.is_set():
            print_box(url_box(plan, env))
        while not stopping.is_set():
            if died := await exited(children):
                print("Stopping everything: " + "; ".join(died), flush=True)
                return 1
            await pause(stopping, 0.5)
        return 0
    finally:
        await terminate(children)
        if mail_page is not None:
            mail_page.should_exit = True
        if tasks:
            await asyncio.wait(tasks, timeout=2)


def parse_services(value: str) -> list[str]:
    names = list(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if unknown := [n for n in names if n not in SERVICES]:
        raise argparse.ArgumentTypeError(f"unknown service(s): {', '.join(unknown)}")
    return names or list(SERVICES)


def end_on_signal(number: int, _frame: object) -> None:
    """Before the supervisor's loop runs (and after): SIGTERM or SIGHUP ends the run as Ctrl-C
    does, so what has started is stopped on the way out."""
    raise SystemExit(128 + number)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Run the services on one terminal.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--services", type=parse_services, default=list(SERVICES), help="comma-separated subset"
    )
    names: list[str] = parser.parse_args().services
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, end_on_signal)
    env = dict(os.environ)
    env.setdefault("LOG_FORMAT", "console")
    if USE_COLOUR:
        env.setdefault("FORCE_COLOR", "1")
    env["PYTHONUNBUFFERED"] = "1"
    plan = plan_ports(names, env)
    wire(plan, env)
    with contextlib.ExitStack() as stack:
        ensure_broker(env.setdefault("RABBITMQ_URL", DEFAULT_RABBITMQ_URL))
        page = None
        if plan.mail:
            page = stack.enter_context(listen(MAIL_PAGE_PORT, env))
        sink = start_mail_sink(env, stack) if plan.mail else None
        if plan.texts:
            start_sms_sink(plan, env, stack.enter_context(listen(SMS_SINK_PORT, env)), stack)
        if plan.calls:
            start_call_simulator(plan, env, stack.enter_context(listen(CALL_SIM_PORT, env)), stack)
        if plan.store:
            env["MONGODB_URL"] = start_store(env, stack).url
        try:
            return asyncio.run(supervise(plan, env, sink, page))
        except KeyboardInterrupt:
            return 0
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C before the services started: all is stopped already
        sys.exit(130)
