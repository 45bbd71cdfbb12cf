"""What a run reports: figures, each beside the limit measured in the same run, and the counted
budgets (store commands per operation) that the budget tests measured."""

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Figure:
    """One measured figure, the limit it is compared to, and the goal on it.

    `ratio` is always figure / limit. For a rate (better higher) the goal is usually a lower bound
    on the ratio (`goal_ratio`, e.g. 0.7); for a time (better lower) an upper bound on the ratio
    (e.g. p50 at most 2x the sum of the raw hops) and/or on the figure itself (`goal_value`).
    """

    name: str
    value: float
    unit: str
    limit: float
    limit_name: str
    better: Better = "higher"
    goal_value: float | None = None
    goal_ratio: float | None = None

    @property
    def ratio(self) -> float:
        if not self.limit or math.isnan(self.limit) or math.isnan(self.value):
            return math.nan
        return self.value / self.limit

    @property
    def met(self) -> bool | None:
        """Whether every goal on this figure holds; None when it has no goal."""
        checks: list[bool] = []
        higher = self.better == "higher"
        if self.goal_value is not None:
            checks.append(
                self.value >= self.goal_value if higher else self.value <= self.goal_value
            )
        if self.goal_ratio is not None:
            checks.append(
                self.ratio >= self.goal_ratio if higher else self.ratio <= self.goal_ratio
            )
        return all(checks) if checks else None

    def goal_text(self) -> str:
        sign = ">=" if self.better == "higher" else "<="
        parts = []
        if self.goal_value is not None:
            parts.append(f"{sign} {self.goal_value:g} {self.unit}")
        if self.goal_ratio is not None:
            parts.append(f"ratio {sign} {self.goal_ratio:g}")
        return ", ".join(parts)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        data["met"] = self.met
        data["goal"] = self.goal_text()
        return data


@dataclass
class ScenarioResult:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    limits: dict[str, float] = field(default_factory=dict)
    """The raw measurements each limit is made of (e.g. H, S, P for B1)."""
    params: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)
    """Data for charts (latency curves, matching time per volunteer count)."""
    seconds: float = 0.0

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def figure(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "seconds": round(self.seconds, 2),
            "params": self.params,
            "limits": self.limits,
            "figures": [figure.as_json() for figure in self.figures],
            "notes": self.notes,
            "series": self.series,
        }


@dataclass(frozen=True)
class Budget:
    """Store commands one operation costs, counted by the budget tests (`make budgets`).

    Counted, not timed: `commands` store commands seen by a PyMongo command listener while
    `operations` operations ran, so the figure is the same on any machine. `goal` is the upper
    bound on `per_operation`.
    """

    operation: str
    per_operation: float
    goal: float
    commands: int = 0
    operations: int = 0
    by_command: dict[str, int] = field(default_factory=dict)

    @property
    def met(self) -> bool:
        return self.per_operation <= self.goal

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["met"] = self.met
        return data
