"""The volunteer's page "My together", matching's part: `/my/events`, a signed-in volunteer's
invitations (accept or decline there), places (venue, time, organiser; share my email; withdraw)
and past events.

The session is the site-wide cookie signups starts (together_kit.web.site); matching reads only the
person's id from it. Not signed in, the page links to signups' sign-in, which leads back here.
"""

import json
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from together_kit.dates import spoken_span
from together_kit.http.middleware import current_correlation_id
from together_kit.web import labels
from together_kit.web.site import signed_in

from matching.entrypoints.dependencies import ContextDep, SettingsDep, SiteDep
from matching.entrypoints.web import choices
from matching.handlers import Context, attendance, connectors, mine, responses

MY_EVENTS = "/my/events"
NOTICES = {"accepted", "waitlisted", "declined", "withdrawn", "closed", "shared", "not-shared"}


router = APIRouter()


def person(request: Request, ctx: Context) -> UUID | None:
    return signed_in(request, ctx.links.site)


def sign_in_url(ctx: Context) -> str:
    back = ctx.links.addresses.url("matching", MY_EVENTS)
    return ctx.links.addresses.url("signups", "/my/sign-in?" + urlencode({"next": back}))


@router.get(MY_EVENTS + "/data.json", response_model=None)
async def my_events_data(request: Request, ctx: ContextDep) -> Response:
    """Matching's part of "download my data" (signups' part is its `/my/data.json`)."""
    person_id = person(request, ctx)
    if person_id is None:
        return RedirectResponse(sign_in_url(ctx), status_code=status.HTTP_303_SEE_OTHER)
    held = await mine.my_data(person_id, ctx)
    return Response(
        json.dumps(held, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="together-my-events.json"',
            "Cache-Control": "no-store",
        },
    )


@router.get(MY_EVENTS)
async def my_events(
    request: Request, ctx: ContextDep, site: SiteDep, settings: SettingsDep
) -> HTMLResponse:
    person_id = person(request, ctx)
    if person_id is None:
        page = site.render(request, "my_events_signed_out.html", {"sign_in_url": sign_in_url(ctx)})
        page.headers["Cache-Control"] = "no-store"
        return page
    found = await mine.my_events(person_id, ctx)
    language = site.pages.language(request)
    now = ctx.clock()
    translate = site.translator(request)
    done = request.query_params.get("done")
    context: dict[str, Any] = {
        "mine": found,
        "span": lambda event: spoken_span(event.starts_at, event.ends_at, language, now=now),
        "code": lambda event: attendance.place_code(event.id, person_id),
        "labels": {"interests": labels.INTERESTS, "availability": labels.AVAILABILITY},
        "reasons": lambda kept: choices.reasons_said(kept, translate),
        "notice": done if done in NOTICES else None,
        "my_together": ctx.links.addresses.url("signups", "/my"),
        "districts": await connectors.connector_picture(
            person_id, ctx, reach_km=settings.call_reach_km
        ),
        "reach": f"{settings.call_reach_km:g}",
    }
    page = site.render(request, "my_events.html", context)
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post(MY_EVENTS + "/{event_id}/answer", response_model=None)
async def answer(event_id: UUID, request: Request, ctx: ContextDep, site: SiteDep) -> Response:
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
async def share(event_id: UUID, request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    person_id = person(request, ctx)
    if person_id is None:
        return site.see_other(request, MY_EVENTS)
    form = await site.form(request)
    on = form.get("share") == "yes"
    await responses.set_sharing(
        event_id, person_id, on, correlation_id=current_correlation_id(), ctx=ctx
    )
    return site.see_other(request, f"{MY_EVENTS}?done={'shared' if on else 'not-shared'}")
