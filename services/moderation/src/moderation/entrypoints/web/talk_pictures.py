"""The geometry of a conversation's results as pictures (drawn as SVG by `talk_results.html`,
which escapes every label): the opinion map, participants as points coloured by group, and the
agreement bars of each statement, one per group, and its map of agreement by nation and region
(`region_map`). Each picture has a text table beside it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moderation.entrypoints.web import region_map

MAP_SIZE = 320
MAP_MARGIN = 16
BAR_WIDTH = 200
BAR_LABEL = 72
"""Room left of each bar for its group's name."""
BAR_ROW = 22
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
    id: str
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
    scale = (MAP_SIZE - 2 * MAP_MARGIN) / span
    middle_x, middle_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def place(value: float, middle: float) -> float:
        return round(MAP_SIZE / 2 + (value - middle) * scale, 1)

    return [
        Dot(place(x, middle_x), place(-y, -middle_y), colour(int(point["group"])))
        for x, y, point in zip(xs, ys, points, strict=True)
    ]


def standings(found: list[dict[str, Any]]) -> list[Standing]:
    """What unites or what divides, each statement with one bar per group."""
    return [
        Standing(
            id=standing["id"],
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


def by_region(results: dict[str, Any], *, translate: Callable[[str], str]) -> dict[str, Any]:
    """The table of agreement by nation and region for what unites and what divides: a column
    per region with enough votes on any of them, "" where a region has too few."""
    wanted = [*results.get("consensus", []), *results.get("divisive", [])]
    shares: dict[str, dict[str, Any]] = results.get("by_region", {})
    columns = sorted({region for s in wanted for region in shares.get(s["id"], {})})
    rows = [
        (
            standing["text"],
            [
                round(shares[standing["id"]][region]["agree"] * 100)
                if region in shares.get(standing["id"], {})
                else None
                for region in columns
            ],
        )
        for standing in wanted
    ]
    return {"region_columns": [translate(region) for region in columns], "region_rows": rows}


def region_maps(
    results: dict[str, Any], *, translate: Callable[[str], str]
) -> dict[str, list[region_map.Bubble]]:
    """Statement id -> its map of agreement by nation and region, for what unites and divides."""
    wanted = [*results.get("consensus", []), *results.get("divisive", [])]
    shares: dict[str, dict[str, Any]] = results.get("by_region", {})
    return {
        standing["id"]: region_map.agreement_bubbles(
            shares.get(standing["id"], {}), translate=translate
        )
        for standing in wanted
    }
