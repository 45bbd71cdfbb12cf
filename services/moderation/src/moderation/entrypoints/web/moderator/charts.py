"""Numbers for the leads' dashboard and the geometry of its bar charts (drawn as SVG by the
`moderator/_chart.html` macro, whose labels the template escapes)."""

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from moderation.domain.decisions import Action
from moderation.domain.items import Item

FINAL = {Action.APPROVE, Action.APPROVE_WITH_REDACTIONS, Action.APPROVE_OVERRIDE, Action.REJECT}
WIDTH, HEIGHT, LABEL_BAND, TOP = 640, 220, 48, 20


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - LABEL_BAND


def bar_chart(title: str, values: Sequence[tuple[str, float]], *, unit: str = "") -> Chart:
    """Bars scaled to the largest value, evenly spaced, each with its label and value."""
    largest = max((value for _, value in values), default=0.0) or 1.0
    slot = WIDTH / max(1, len(values))
    plot = HEIGHT - LABEL_BAND - TOP
    bars = []
    for index, (label, value) in enumerate(values):
        height = plot * value / largest
        bars.append(
            Bar(
                label=label,
                value=value,
                shown=f"{value:g}{unit}",
                x=index * slot + slot * 0.15,
                y=HEIGHT - LABEL_BAND - height,
                width=slot * 0.7,
                height=height,
            )
        )
    return Chart(title, bars)


@dataclass(frozen=True)
class Figures:
    per_day: list[tuple[str, float]]
    median_hours_per_day: list[tuple[str, float]]
    median_hours: float | None
    by_reason: list[tuple[str, float]]


def figures(items: Iterable[Item], *, start: date, days: int) -> Figures:
    """Final decisions per day, median hours from submission to final decision (per day and
    overall) and decisions by reason, for the `days` from `start`."""
    first = datetime.combine(start, datetime.min.time()).date()
    counts: Counter[date] = Counter()
    waits: dict[date, list[float]] = {}
    reasons: Counter[str] = Counter()
    for item in items:
        for decision in item.decisions:
            day = decision.at.date()
            if not first <= day < first + timedelta(days=days):
                continue
            if decision.reason is not None:
                reasons[decision.reason.value] += 1
            if decision.action in FINAL:
                counts[day] += 1
                hours = (decision.at - item.created_at).total_seconds() / 3600
                waits.setdefault(day, []).append(hours)
    span = [first + timedelta(days=offset) for offset in range(days)]
    every_wait = [hours for day_waits in waits.values() for hours in day_waits]
    return Figures(
        per_day=[(f"{day:%d %b}", float(counts[day])) for day in span],
        median_hours_per_day=[
            (f"{day:%d %b}", round(statistics.median(waits[day]), 1) if day in waits else 0.0)
            for day in span
        ],
        median_hours=round(statistics.median(every_wait), 1) if every_wait else None,
        by_reason=[(reason, float(count)) for reason, count in sorted(reasons.items())],
    )


BACKLOG_BUCKETS: list[tuple[str, timedelta]] = [
    ("under 4 h", timedelta(0)),
    ("4-24 h", timedelta(hours=4)),
    ("1-2 d", timedelta(hours=24)),
    ("2-7 d", timedelta(hours=48)),
    ("over 7 d", timedelta(days=7)),
]


def buckets(older_than: Sequence[int]) -> list[tuple[str, float]]:
    """Counts of open items older than each bucket's start, turned into counts per bucket."""
    ends = [*older_than[1:], 0]
    return [
        (label, float(count - later))
        for (label, _), count, later in zip(BACKLOG_BUCKETS, older_than, ends, strict=True)
    ]
