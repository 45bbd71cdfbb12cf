"""For leads: the audit as CSV (decisions between two dates) and the dashboard."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from moderation.domain.items import Item
from moderation.domain.queue import QueueFilter
from moderation.entrypoints.web.moderator.charts import (
    BACKLOG_BUCKETS,
    bar_chart,
    buckets,
    figures,
)
from moderation.entrypoints.web.moderator.security import LeadDep
from moderation.entrypoints.web.moderator.ui import ui_of

COLUMNS = [  # times in UTC, ISO 8601, as the column says
    "item_id",
    "kind",
    "moderator",
    "role",
    "time_utc",
    "action",
    "reason",
    "note",
    "before",
    "after",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DASHBOARD_DAYS = 14
DEFAULT_AUDIT_DAYS = 30


def cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a quote first."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def audit_rows(items: Iterable[Item], start: datetime, end: datetime) -> Iterable[list[str]]:
    for item in items:
        for decision in item.decisions:
            if start <= decision.at < end:
                yield [
                    cell(value)
                    for value in (
                        item.id,
                        item.kind.value,
                        decision.moderator,
                        decision.role.value,
                        decision.at.isoformat(),
                        decision.action.value,
                        decision.reason.value if decision.reason else "",
                        decision.note,
                        decision.before,
                        decision.after,
                    )
                ]


def _day(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@dataclass(frozen=True)
class DaysAsked:
    """The days an export was asked for, as typed (YYYY-MM-DD; either may be empty)."""

    start: str
    end: str

    def span(self, *, today: date, default_days: int) -> tuple[date, date]:
        """The first and last day (included): `end` or today, and `start` or `default_days`
        before the last; a day that does not parse counts as not given."""
        last = _day(self.end, today)
        return _day(self.start, last - timedelta(days=default_days)), last


def days_asked(
    start: str = Query("", max_length=10, description="First day, YYYY-MM-DD"),
    end: str = Query("", max_length=10, description="Last day, YYYY-MM-DD (included)"),
) -> DaysAsked:
    return DaysAsked(start, end)


DaysDep = Annotated[DaysAsked, Depends(days_asked)]


def midnight(day: date) -> datetime:
    """The start of `day` in UTC."""
    return datetime.combine(day, datetime.min.time(), UTC)


def csv_download(columns: Sequence[str], rows: Iterable[Sequence[str]], name: str) -> Response:
    """A CSV file to save as `name`: the header, then the rows (cells already made safe)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


router = APIRouter()


@router.get("/audit.csv")
async def audit_csv(request: Request, me: LeadDep, asked: DaysDep) -> Response:
    ui = ui_of(request)
    first, last = asked.span(today=ui.now().date(), default_days=DEFAULT_AUDIT_DAYS)
    since, until = midnight(first), midnight(last + timedelta(days=1))
    items = [item async for item in ui.ctx.items.decided_between(since, until)]
    rows = audit_rows(items, since, until)
    return csv_download(COLUMNS, rows, f"moderation-audit-{first}-{last}.csv")


@router.get("/dashboard")
async def dashboard(request: Request, me: LeadDep) -> HTMLResponse:
    ui = ui_of(request)
    now = ui.now()
    first = now.date() - timedelta(days=DASHBOARD_DAYS - 1)
    since = datetime.combine(first, datetime.min.time(), UTC)
    items = [item async for item in ui.ctx.items.decided_between(since, now + timedelta(seconds=1))]
    numbers = figures(items, start=first, days=DASHBOARD_DAYS)
    older = []
    for _, age in BACKLOG_BUCKETS:
        query = QueueFilter(older_than=age or None)
        older.append((await ui.ctx.items.counts(query, now=now)).total)
    charts = [
        bar_chart("Items decided per day", numbers.per_day),
        bar_chart("Median hours from submission to decision", numbers.median_hours_per_day),
        bar_chart("Open items by age", buckets(older)),
        bar_chart("Decisions by reason", numbers.by_reason),
    ]
    context = {"charts": charts, "median_hours": numbers.median_hours, "days": DASHBOARD_DAYS}
    return ui.render(request, "moderator/dashboard.html", context, me=me)
