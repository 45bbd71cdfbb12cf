"""The geometry of a conversation's results as pictures (drawn as SVG by `talk_results.html`,
which escapes every label): the opinion map, participants as points coloured by group, and the
agreement bars of each statement, one per group. Each picture has a text table beside it."""

from dataclasses import dataclass
from typing import Any

MAP_SIZE = 320
MAP_MARGIN = 16
BAR_WIDTH = 200
GROUP_COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92")
"""Distinguishable on white and for the common colour blindnesses (GOV.UK palette)."""


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    colour: str


@dataclass(frozen=True)
class GroupBar:
    group: int
    colour: str
    agree: float
    disagree: float
    votes: int

    @property
    def agree_width(self) -> float:
        return round(self.agree * BAR_WIDTH, 1)

    @property
    def disagree_width(self) -> float:
        return round(self.disagree * BAR_WIDTH, 1)

    @property
    def percent(self) -> int:
        return round(self.agree * 100)


@dataclass(frozen=True)
class Standing:
    text: str
    overall: int
    bars: list[GroupBar]


def colour(group: int) -> str:
    return GROUP_COLOURS[(group - 1) % len(GROUP_COLOURS)] if group > 0 else "#505a5f"


def opinion_map(points: list[dict[str, Any]]) -> list[Dot]:
    """The participants' 2-D positions scaled into the square picture (y grows downwards)."""
    if not points:
        return []
    xs = [float(p["x"]) for p in points]
    ys = [float(p["y"]) for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    inner = MAP_SIZE - 2 * MAP_MARGIN

    def place(value: float, low: float) -> float:
        return round(MAP_MARGIN + (value - low) / span * inner, 1)

    return [
        Dot(place(x, min(xs)), place(-y, -max(ys)), colour(int(point["group"])))
        for x, y, point in zip(xs, ys, points, strict=True)
    ]


def standings(found: list[dict[str, Any]]) -> list[Standing]:
    """What unites or what divides, each statement with one bar per group."""
    return [
        Standing(
            text=standing["text"],
            overall=round(standing["overall"]["agree"] * 100),
            bars=[
                GroupBar(
                    group=number,
                    colour=colour(number),
                    agree=share["agree"],
                    disagree=share["disagree"],
                    votes=share["votes"],
                )
                for number, share in enumerate(standing["by_group"], start=1)
            ],
        )
        for standing in found
    ]
