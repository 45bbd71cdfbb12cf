"""Counted budgets (store commands per operation) that `make budgets` leaves for the bench.

The budget tests (`pytest -m budget`) count the store commands each operation sends with a PyMongo
command listener in the process that runs it; the bench's services are separate processes, where a
listener in the bench could not see them. When `TOGETHER_BUDGETS_OUT` names a file, the tests write
there (`together_kit.testing.commands.Counted.record`) a JSON list, one object per operation:

    {"operation": "signup", "commands": 40, "operations": 10, "per_operation": 4.0,
     "goal": 5, "by_command": {"insert": 20, "find": 20}}

`make budgets` removes the file, then runs the tests with `TOGETHER_BUDGETS_OUT=var/bench/budgets.json`;
`make bench` runs `make budgets` first, so the page shows the budgets of the same tree.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.results import Budget

BUDGETS_FILE = "budgets.json"


class BudgetFileError(ValueError):
    """The budgets file is there but is not the list of objects described above."""


@dataclass(frozen=True)
class CountedBudgets:
    budgets: list[Budget]
    counted_at: datetime
    """When the budget tests wrote the file (its modification time)."""
    source: Path


def load(path: Path) -> CountedBudgets | None:
    """The budgets in `path`, or None when no budget run left one there."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        document = json.loads(text)
        if not isinstance(document, list):
            raise BudgetFileError(f"{path}: expected a JSON list, found {type(document).__name__}")
        budgets = [_budget(entry) for entry in document]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise BudgetFileError(f"{path}: {error}") from error
    counted_at = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return CountedBudgets(budgets=budgets, counted_at=counted_at, source=path)


def _budget(entry: Any) -> Budget:
    if not isinstance(entry, dict):
        raise BudgetFileError(f"expected an object per operation, found {entry!r}")
    commands = int(entry.get("commands", 0))
    operations = int(entry.get("operations", 0))
    per_operation = entry.get("per_operation")
    if per_operation is None:
        per_operation = commands / operations if operations else float("nan")
    return Budget(
        operation=str(entry["operation"]),
        per_operation=float(per_operation),
        goal=float(entry["goal"]),
        commands=commands,
        operations=operations,
        by_command={str(name): int(count) for name, count in entry.get("by_command", {}).items()},
    )
