"""Calls to action on the site: a district's own page (its volunteers as a count, events in reach,
its call if one is open, a link to list an event there) and the coalition's page of calls opened,
closed and how long they stayed open."""

import re

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse
from together_contracts.postcodes import OUTWARD_PATTERN

from matching.entrypoints.dependencies import ContextDep, LocalitiesDep, SettingsDep, SiteDep
from matching.handlers import calls

OUTWARD_CODE = re.compile(OUTWARD_PATTERN)
SHOWN = 100
"""The calls page lists this many, newest first (the figures count them all)."""

router = APIRouter()


@router.get("/gaps/calls")
async def calls_page(request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    found = await calls.calls_now(ctx)
    now = ctx.clock()
    context = {
        "figures": found.figures,
        "calls": [
            (call, round(call.open_for(now).total_seconds() / 86400))
            for call in found.calls[:SHOWN]
        ],
        "shown": SHOWN,
    }
    return site.render(request, "calls.html", context)


@router.get("/gaps/districts/{outward_code}")
async def district_page(
    request: Request,
    outward_code: str,
    ctx: ContextDep,
    site: SiteDep,
    places: LocalitiesDep,
    settings: SettingsDep,
) -> HTMLResponse:
    code = outward_code.strip().upper()
    if not OUTWARD_CODE.fullmatch(code) or (places and code not in places):
        return site.render(
            request, "district_missing.html", {"code": code}, status_code=status.HTTP_404_NOT_FOUND
        )
    found = await calls.district_now(code, ctx, reach_km=settings.call_reach_km)
    context = {
        "district": found,
        "place": places[code].name if code in places else "",
        "reach": f"{settings.call_reach_km:g}",
        "now": ctx.clock(),
    }
    return site.render(request, "district.html", context)
