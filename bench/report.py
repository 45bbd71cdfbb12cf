"""The tables on the terminal, results.json and the SVG charts."""

import json
import math
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pygal  # type: ignore[import-untyped]

from bench import provenance
from bench.budgets import CountedBudgets
from bench.results import Budget, ScenarioResult

RESULTS = "results.json"

# pygal appends to sys.meta_path a finder for its map plugins (`pygal.maps.*`, unused here) that
# has no `find_spec`: pytest's importlib import mode, walking sys.meta_path, fails on it.
sys.meta_path[:] = [
    finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)
]


def format_number(value: float) -> str:
    if math.isnan(value):
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


FIGURE_COLUMNS = ("", "figure", "value", "unit", "limit", "limit is", "ratio", "goal", "ok")
BUDGET_COLUMNS = ("operation", "commands/op", "goal", "ok", "commands", "operations", "by command")


def figure_rows(results: Sequence[ScenarioResult]) -> list[tuple[str, ...]]:
    """One row per figure, in FIGURE_COLUMNS order: the terminal's table and the published page's."""
    return [
        (
            result.key,
            figure.name,
            format_number(figure.value),
            figure.unit,
            format_number(figure.limit),
            figure.limit_name,
            format_number(figure.ratio),
            figure.goal_text(),
            {True: "yes", False: "NO", None: ""}[figure.met],
        )
        for result in results
        for figure in result.figures
    ]


def budget_rows(budgets: Sequence[Budget]) -> list[tuple[str, ...]]:
    """One row per counted operation, in BUDGET_COLUMNS order."""
    return [
        (
            budget.operation,
            "-" if math.isnan(budget.per_operation) else f"{budget.per_operation:.2f}",
            f"<= {budget.goal:g}",
            "yes" if budget.met else "NO",
            str(budget.commands),
            str(budget.operations),
            ", ".join(
                f"{name} {count}" for name, count in sorted(budget.by_command.items()) if count
            ),
        )
        for budget in budgets
    ]


def _columns(header: tuple[str, ...], body: list[tuple[str, ...]]) -> str:
    rows = [header, *body]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def table(results: Sequence[ScenarioResult]) -> str:
    return _columns(FIGURE_COLUMNS, figure_rows(results))


def budget_table(counted: CountedBudgets | None) -> str:
    if counted is None:
        return "store commands per operation: not measured in this run; run `make budgets`"
    return _columns(BUDGET_COLUMNS, budget_rows(counted.budgets))


def _clean(value: Any) -> Any:
    """NaN and infinities become null: results.json stays strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def write_json(
    results: Sequence[ScenarioResult],
    out: Path,
    *,
    args: dict[str, Any],
    commit: str,
    budgets: CountedBudgets | None,
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    document = _clean(
        {
            "generated_at": stamp.isoformat(),
            "commit": commit,
            "machine": provenance.machine(),
            "args": args,
            "scenarios": {result.key: result.as_json() for result in results},
            "budgets": None
            if budgets is None
            else {
                "counted_at": budgets.counted_at.isoformat(),
                "source": str(budgets.source),
                "operations": [budget.as_json() for budget in budgets.budgets],
            },
        }
    )
    path = out / RESULTS
    text = json.dumps(document, indent=2, allow_nan=False)
    path.write_text(text, encoding="utf-8")
    history = out / "history"
    history.mkdir(exist_ok=True)
    (history / f"{stamp:%Y%m%dT%H%M%SZ}.json").write_text(text, encoding="utf-8")
    return path


def _style() -> Any:
    return pygal.style.CleanStyle


def latency_chart(results: Sequence[ScenarioResult], out: Path) -> Path | None:
    """Latency distributions (ms by percentile) of every scenario that kept one."""
    chart = pygal.XY(
        style=_style(),
        title="Latency distributions (ms by percentile)",
        x_title="percentile",
        y_title="ms",
        logarithmic=True,
        show_dots=False,
        legend_at_bottom=True,
    )
    drawn = False
    for result in results:
        for name, points in result.series.get("latency_curves", {}).items():
            values = [(q, max(v, 0.01)) for q, v in points if v is not None and math.isfinite(v)]
            if values:
                chart.add(f"{result.key} {name}", values)
                drawn = True
    if not drawn:
        return None
    path = out / "latency-distributions.svg"
    chart.render_to_file(str(path))
    return path


def matching_chart(results: Sequence[ScenarioResult], out: Path) -> Path | None:
    """B3: time to all proposals against the number of volunteer profiles."""
    b3 = next((r for r in results if r.key == "B3"), None)
    if b3 is None or not b3.series.get("by_volunteers"):
        return None
    rows: list[dict[str, float]] = b3.series["by_volunteers"]
    chart = pygal.XY(
        style=_style(),
        title="B3 matching: time to all proposals vs volunteer profiles",
        x_title="volunteer profiles (log)",
        y_title="ms",
        logarithmic=True,
        legend_at_bottom=True,
    )
    for key, label in (
        ("p50_ms", "p50"),
        ("p95_ms", "p95"),
        ("limit_p50_ms", "limit (read k by id), p50"),
    ):
        chart.add(label, [(row["volunteers"], max(row[key], 0.01)) for row in rows])
    path = out / "matching-vs-volunteers.svg"
    chart.render_to_file(str(path))
    return path


def ratio_chart(results: Sequence[ScenarioResult], out: Path) -> Path | None:
    """Every figure's ratio to its limit, one bar each."""
    chart = pygal.HorizontalBar(
        style=_style(), title="Figure / limit (same run)", legend_at_bottom=True
    )
    labels: list[str] = []
    values: list[float | None] = []
    for result in results:
        for figure in result.figures:
            labels.append(f"{result.key} {figure.name}")
            ratio = figure.ratio
            values.append(ratio if math.isfinite(ratio) else None)
    if not labels:
        return None
    chart.x_labels = labels
    chart.add("ratio", values)
    path = out / "ratios.svg"
    chart.render_to_file(str(path))
    return path


def charts(results: Sequence[ScenarioResult], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    drawn = [latency_chart(results, out), matching_chart(results, out), ratio_chart(results, out)]
    return [path for path in drawn if path is not None]
