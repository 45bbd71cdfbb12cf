"""The organiser's form at /events/new, its thank-you page, and the public list at /events."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from together_contracts import Interest
from together_kit.districts import InvalidPostcodeError
from together_kit.web import labels
from together_kit.web.pages import FormPage, Site

from matching.domain.availability import LONDON
from matching.domain.places import UnknownPostcodeError
from matching.entrypoints.api import submit_command, upcoming_listings
from matching.entrypoints.dependencies import ContextDep, SiteDep
from matching.entrypoints.web import choices, forms
from matching.entrypoints.web.calls import OUTWARD_CODE
from matching.handlers import listings

RADII = ("2", "5", "10", "25", "50")


router = APIRouter()


def event_form(site: Site) -> FormPage:
    """The organiser's form at /events/new."""
    return site.form_page(
        "event_new.html",
        types=labels.INTERESTS,
        where=choices.WHERE,
        languages=choices.EVENT_LANGUAGES,
    )


@router.get("/events/new")
async def new_event_form(request: Request, site: SiteDep) -> HTMLResponse:
    """The form; `?postcode=` (a district's page links here with its outward code) starts the
    postcode field."""
    values = {"language": site.pages.language(request), "where": "venue"}
    postcode = request.query_params.get("postcode", "").strip().upper()
    if OUTWARD_CODE.fullmatch(postcode):
        values["postcode"] = postcode + " "
    return event_form(site)(request, values)


@router.post("/events/new")
async def new_event(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    """Post/redirect/get: the listing is stored once, the organiser's page is emailed, and
    a refresh of the thank-you page sends nothing again."""
    form = await site.public_form(request, thanks="/events/new/thanks")
    if not isinstance(form, FormData):
        return form
    values = forms.event_values(form)
    body, errors = forms.check(values)
    if body is None:
        return event_form(site)(request, values, errors)
    language = site.pages.language(request)
    command = submit_command(body, reply_language="cy" if language == "cy" else "en")
    try:
        await listings.submit_event(command, ctx)
    except UnknownPostcodeError:
        return event_form(site)(request, values, {"postcode": forms.UNKNOWN_POSTCODE})
    return site.see_other(request, "/events/new/thanks")


@router.get("/events/new/thanks")
async def new_event_thanks(request: Request, site: SiteDep) -> HTMLResponse:
    return site.render(request, "event_thanks.html")


@router.get("/events")
async def list_events(
    request: Request,
    ctx: ContextDep,
    site: SiteDep,
    near: str = "",
    within_km: str = "10",
    event_type: Annotated[str, Query(alias="type")] = "",
    date_from: str = "",
    date_to: str = "",
) -> HTMLResponse:
    translate = site.translator(request)
    radius = within_km if within_km in RADII else "10"
    chosen = event_type if event_type in labels.INTERESTS else ""
    error = None
    shown = []
    try:
        shown = await upcoming_listings(
            ctx,
            near=near.strip()[:16] or None,
            within_km=float(radius),
            event_type=Interest(chosen) if chosen else None,
            starts_after=_day(date_from),
            starts_before=_day(date_to, end=True),
        )
    except (UnknownPostcodeError, InvalidPostcodeError):
        error = translate(forms.UNKNOWN_POSTCODE)
    context = {
        "events": shown,
        "values": {"near": near, "within_km": radius, "type": chosen},
        "dates": {"date_from": date_from, "date_to": date_to},
        "filtered": bool(near.strip() or chosen or date_from or date_to),
        "error": error,
        "types": labels.options(labels.INTERESTS, translate),
        "type_label": lambda value: labels.label(labels.INTERESTS, value, translate),
        "radii": [(r, f"{r} km") for r in RADII],
        "london": LONDON,
    }
    return site.render(request, "events.html", context)


def _day(value: str, *, end: bool = False) -> datetime | None:
    """A `YYYY-MM-DD` from the filter form as London midnight (the next one for an end date)."""
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=LONDON)
    except ValueError:
        return None
    return day.replace(hour=23, minute=59, second=59) if end else day
