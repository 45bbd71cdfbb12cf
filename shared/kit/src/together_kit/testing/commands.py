"""Store commands counted per database, for budgets that hold on a noisy machine (counts, not
times): `with counting("signups_x") as counted: ...` then `counted.total`, `counted.by_command`.

One PyMongo command listener, registered for the whole test process before any client is made
(`pytest_configure`), sees every command of every client in it: the services' own clients too,
when a test runs a service in-process. A command is one store round trip (a bulk write of many
documents is one `insert` or `update`; a `getMore` is one more).
"""

import json
import os
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pymongo import monitoring

BUDGETS_OUT = "TOGETHER_BUDGETS_OUT"
"""A JSON file to which `Counted.record` adds each budget measured (read by `make bench`)."""


@dataclass
class Counted:
    database: str
    by_command: Counter[str] = field(default_factory=Counter)
    statements: Counter[str] = field(default_factory=Counter)
    """Per command, the statements the store executes one by one: a bulk write's documents,
    updates or deletes (1 for any other command)."""
    collection: str | None = None
    """Count only the commands on this collection (None: every command on the database), so a
    service's periodic jobs running meanwhile are not counted."""

    @property
    def total(self) -> int:
        return sum(self.by_command.values())

    def per(self, operations: int) -> float:
        return self.total / operations

    def record(self, operation: str, *, operations: int, goal: float) -> float:
        """The commands per operation, written to `$TOGETHER_BUDGETS_OUT` when set."""
        per_operation = self.per(operations)
        if out := os.environ.get(BUDGETS_OUT):
            path = Path(out)
            found = json.loads(path.read_text()) if path.is_file() else []
            found = [row for row in found if row["operation"] != operation]
            found.append(
                {
                    "operation": operation,
                    "commands": self.total,
                    "operations": operations,
                    "per_operation": round(per_operation, 3),
                    "goal": goal,
                    "by_command": dict(sorted(self.by_command.items())),
                }
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(found, indent=2))
        return per_operation


WRITE_STATEMENTS = ("documents", "updates", "deletes")


def _statements(command: Mapping[str, Any]) -> int:
    for name in WRITE_STATEMENTS:
        if name in command:
            return len(command[name])
    return 1


class _Listener(monitoring.CommandListener):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: list[Counted] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        with self._lock:
            for counted in self._open:
                if counted.database != event.database_name:
                    continue
                on = event.command.get(event.command_name)
                if counted.collection is None or on == counted.collection:
                    counted.by_command[event.command_name] += 1
                    counted.statements[event.command_name] += _statements(event.command)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    @contextmanager
    def counting(self, database: str, collection: str | None = None) -> Iterator[Counted]:
        counted = Counted(database, collection=collection)
        with self._lock:
            self._open.append(counted)
        try:
            yield counted
        finally:
            with self._lock:
                self._open.remove(counted)


LISTENER = _Listener()


def install() -> None:
    """Register the listener for every client made from now on in this process."""
    monitoring.register(LISTENER)


def counting(database: str, collection: str | None = None) -> AbstractContextManager[Counted]:
    return LISTENER.counting(database, collection)
