"""The volunteer's page "My together", matching's part: `/my/events`, a signed-in volunteer's
invitations (accept or decline there), places (venue, time, organiser; share my email; withdraw)
and past events.

The session is the site-wide cookie signups starts (together_kit.site); matching reads only the
person's id from it. Not signed in, the page links to signups' sign-in, which leads back here.
"""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from together_kit import labels
from together_kit.http import current_correlation_id
from together_kit.pages import Site
from together_kit.site import signed_in

from matching.domain.availability import LONDON
from matching.entrypoints.dependencies import ContextDep
from matching.handlers import Context, attendance, mine, sharing

MY_EVENTS = "/my/events"
NOTICES = {"accepted", "waitlisted", "declined", "withdrawn", "closed", "shared", "not-shared"}

DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "cy": (
        "Dydd Llun",
        "Dydd Mawrth",
        "Dydd Mercher",
        "Dydd Iau",
        "Dydd Gwener",
        "Dydd Sadwrn",
        "Dydd Sul",
    ),
}
MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "cy": (
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ),
}
TO = {"en": "to", "cy": "i"}


def spoken_day(moment: datetime, language: str, *, year: int | None = None) -> str:
    """`Saturday 5 December` (with the year when it is not `year`), in London time."""
    names = language if language in DAYS else "en"
    local = moment.astimezone(LONDON)
    said = f"{DAYS[names][local.weekday()]} {local.day} {MONTHS[names][local.month - 1]}"
    return said if local.year == year else f"{said} {local.year}"


def spoken_span(starts: datetime, ends: datetime, language: str, *, now: datetime) -> str:
    """`Saturday 5 December, 12:00 to 14:30` in UK time (the end's day too when it differs)."""
    names = language if language in TO else "en"
    year = now.astimezone(LONDON).year
    start, end = starts.astimezone(LONDON), ends.astimezone(LONDON)
    begins = f"{spoken_day(starts, names, year=year)}, {start:%H:%M}"
    if start.date() == end.date():
        return f"{begins} {TO[names]} {end:%H:%M}"
    return f"{begins} {TO[names]} {spoken_day(ends, names, year=year)}, {end:%H:%M}"


def my_events_pages(site: Site) -> APIRouter:
    router = APIRouter()

    def person(request: Request, ctx: Context) -> UUID | None:
        return signed_in(request, ctx.links.site)

    def sign_in_url(ctx: Context) -> str:
        back = ctx.links.addresses.url("matching", MY_EVENTS)
        return ctx.links.addresses.url("signups", "/my/sign-in?" + urlencode({"next": back}))

    @router.get(MY_EVENTS)
    async def my_events(request: Request, ctx: ContextDep) -> HTMLResponse:
        person_id = person(request, ctx)
        if person_id is None:
            page = site.render(
                request, "my_events_signed_out.html", {"sign_in_url": sign_in_url(ctx)}
            )
            page.headers["Cache-Control"] = "no-store"
            return page
        found = await mine.my_events(person_id, ctx)
        language = site.pages.language(request)
        now = ctx.clock()
        done = request.query_params.get("done")
        context: dict[str, Any] = {
            "mine": found,
            "span": lambda event: spoken_span(event.starts_at, event.ends_at, language, now=now),
            "code": lambda event: attendance.place_code(event.id, person_id),
            "labels": {"interests": labels.INTERESTS, "availability": labels.AVAILABILITY},
            "notice": done if done in NOTICES else None,
            "my_together": ctx.links.addresses.url("signups", "/my"),
        }
        page = site.render(request, "my_events.html", context)
        page.headers["Cache-Control"] = "no-store"
        return page

    @router.post(MY_EVENTS + "/{event_id}/answer", response_model=None)
    async def answer(event_id: UUID, request: Request, ctx: ContextDep) -> Response:
        person_id = person(request, ctx)
        if person_id is None:
            return site.see_other(request, MY_EVENTS)
        form = await site.form(request)
        said = form.get("answer")
        if said not in ("accept", "decline", "withdraw"):
            return site.see_other(request, MY_EVENTS)
        answered = await mine.answer(
            person_id,
            event_id,
            accept=said == "accept",
            correlation_id=current_correlation_id(),
            ctx=ctx,
        )
        if answered is None:
            return site.see_other(request, MY_EVENTS)
        outcome, _ = answered
        return site.see_other(request, f"{MY_EVENTS}?done={outcome.value}")

    @router.post(MY_EVENTS + "/{event_id}/sharing", response_model=None)
    async def share(event_id: UUID, request: Request, ctx: ContextDep) -> Response:
        person_id = person(request, ctx)
        if person_id is None:
            return site.see_other(request, MY_EVENTS)
        form = await site.form(request)
        on = form.get("share") == "yes"
        await sharing.set_sharing(
            event_id, person_id, on, correlation_id=current_correlation_id(), ctx=ctx
        )
        return site.see_other(request, f"{MY_EVENTS}?done={'shared' if on else 'not-shared'}")

    return router
