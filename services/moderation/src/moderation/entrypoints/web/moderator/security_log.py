"""For leads: the security log, newest first, a page at a time, and as CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from together_kit.stored import epoch, moment

from moderation.entrypoints.web.moderator.reports import cell
from moderation.entrypoints.web.moderator.security import LeadDep
from moderation.entrypoints.web.moderator.ui import ui_of

PAGE_SIZE = 100
COLUMNS = ["time_utc", "actor", "actor_id", "action", "target_id", "outcome", "detail"]
DEFAULT_DAYS = 30


def _day(value: str, default: datetime) -> datetime:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else default
    except ValueError:
        return default


router = APIRouter()


@router.get("/security")
async def security_log(
    request: Request,
    me: LeadDep,
    before: float | None = Query(None, ge=0, description="Entries older than this (epoch s)"),
) -> HTMLResponse:
    ui = ui_of(request)
    older_than = None if before is None else moment(before)
    entries = await ui.accounts.security_log.latest(limit=PAGE_SIZE, before=older_than)
    older = epoch(entries[-1].at) if len(entries) == PAGE_SIZE else None
    context = {"entries": entries, "older": older}
    return ui.render(request, "moderator/security_log.html", context, me=me)


@router.get("/security.csv")
async def security_csv(
    request: Request,
    me: LeadDep,
    start: str = Query("", max_length=10, description="First day, YYYY-MM-DD"),
    end: str = Query("", max_length=10, description="Last day, YYYY-MM-DD (included)"),
) -> Response:
    ui = ui_of(request)
    today = datetime.combine(ui.now().date(), datetime.min.time(), UTC)
    last = _day(end, today)
    first = _day(start, last - timedelta(days=DEFAULT_DAYS))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    async for entry in ui.accounts.security_log.between(first, last + timedelta(days=1)):
        values = (
            entry.at.isoformat(),
            entry.actor,
            entry.actor_id,
            entry.action,
            entry.target_id,
            entry.outcome,
            entry.detail,
        )
        writer.writerow([cell(value) for value in values])
    name = f"moderation-security-log-{first.date()}-{last.date()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
