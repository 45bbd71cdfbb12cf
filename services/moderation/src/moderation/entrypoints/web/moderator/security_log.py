"""For leads: the security log, newest first, a page at a time, and as CSV."""

from datetime import timedelta

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from together_kit.stored import epoch, moment

from moderation.entrypoints.web.moderator.reports import DaysDep, cell, csv_download, midnight
from moderation.entrypoints.web.moderator.security import LeadDep
from moderation.entrypoints.web.moderator.ui import ui_of

PAGE_SIZE = 100
COLUMNS = ["time_utc", "actor", "actor_id", "action", "target_id", "outcome", "detail"]
DEFAULT_DAYS = 30


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
async def security_csv(request: Request, me: LeadDep, asked: DaysDep) -> Response:
    ui = ui_of(request)
    first, last = asked.span(today=ui.now().date(), default_days=DEFAULT_DAYS)
    entries = ui.accounts.security_log.between(midnight(first), midnight(last + timedelta(days=1)))
    rows = [
        [
            cell(value)
            for value in (
                entry.at.isoformat(),
                entry.actor,
                entry.actor_id,
                entry.action,
                entry.target_id,
                entry.outcome,
                entry.detail,
            )
        ]
        async for entry in entries
    ]
    return csv_download(COLUMNS, rows, f"moderation-security-log-{first}-{last}.csv")
