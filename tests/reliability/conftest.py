"""Fault scenarios' fixtures and the report `make reliability` ends with.

Each scenario records one row (scenario, messages in, delivered, duplicates, lost, seconds from the
end of the fault until every email was in); `pytest_terminal_summary` prints them as a table and
writes them to var/reliability/report.json.
"""

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from together_kit.dev.stack import EmbeddedStore, local_vhost
from together_kit.testing.infra import LOCAL_RABBITMQ

from .harness import Outcome, Rig, ScenarioSink

ROWS = pytest.StashKey[list[dict[str, Any]]]()
COLUMNS = (
    ("scenario", "scenario", 44),
    ("messages_in", "in", 6),
    ("delivered", "delivered", 9),
    ("duplicates", "dups", 5),
    ("lost", "lost", 5),
    ("recover_s", "recover s", 9),
    ("elapsed_s", "total s", 8),
)

Record = Callable[[Outcome], None]


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Record:
    """Record a scenario's outcome for the end-of-run table (recorded before it is asserted)."""
    rows = request.config.stash.setdefault(ROWS, [])

    def record(outcome: Outcome) -> None:
        rows.append({**outcome.row(), "test": request.node.nodeid})

    return record


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    rows = config.stash.get(ROWS, [])
    if not rows:
        return
    write = terminalreporter.write_line
    terminalreporter.section("reliability report")
    write(" ".join(f"{title:<{width}}" for _, title, width in COLUMNS) + "  notes")
    for row in rows:
        cells = []
        for key, _, width in COLUMNS:
            value = row[key]
            cells.append(f"{'-' if value is None else value!s:<{width}}")
        write(" ".join(cells) + f"  {row['notes']}")
    folder = config.rootpath / "var" / "reliability"
    folder.mkdir(parents=True, exist_ok=True)
    report = {
        "generated_at": datetime.now(UTC).isoformat(),
        "exit_status": exitstatus,
        "rows": rows,
    }
    (folder / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    write(f"written to {folder / 'report.json'}")


@contextmanager
def running_rig(folder: Path, services: tuple[str, ...]) -> Iterator[Rig]:
    """A fresh vhost, an nx-27017 of its own (so a scenario can stop it), a mail sink, and the
    services started and ready."""
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("fault scenarios need the local RabbitMQ and rabbitmqctl")
    with ExitStack() as stack:
        url = stack.enter_context(local_vhost(LOCAL_RABBITMQ, prefix="together-reliability"))
        store = EmbeddedStore(folder / "store").start()
        stack.callback(store.stop)
        sink = ScenarioSink(folder / "mail")
        sink.start()
        stack.callback(sink.stop)
        logs = folder / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        rig = Rig(rabbitmq_url=url, store=store, sink=sink, log_dir=logs, services=services)
        stack.callback(rig.stop)
        rig.start_all()
        yield rig


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    """Signups and notifications, shared by a module's scenarios (each uses its own addresses)."""
    with running_rig(tmp_path_factory.mktemp("rig"), ("signups", "notifications")) as running:
        yield running


@pytest.fixture
def fresh_rig(tmp_path: Path) -> Iterator[Callable[..., Rig]]:
    """A rig of the test's own, for long scenarios that must not share their damage."""
    with ExitStack() as stack:

        def make(services: tuple[str, ...] = ("signups", "notifications")) -> Rig:
            return stack.enter_context(running_rig(tmp_path, services))

        yield make
