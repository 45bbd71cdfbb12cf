"""The organiser's page of one event at /events/manage/{token} (a site token, emailed), and the
form at /events/manage that emails the link again.

Each form on the page posts to its own address and redirects back to the page with a `done`
flag (post/redirect/get), so a refresh never sends anything twice.
"""

from collections.abc import Mapping
from urllib.parse import quote

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import TypeAdapter, ValidationError
from together_contracts.emails import TypedEmail
from together_kit.http.middleware import current_correlation_id
from together_kit.web import labels
from together_kit.web.forms import EMAIL, field_errors, text
from together_kit.web.pages import Site

from matching.domain.availability import LONDON
from matching.domain.community_events import CommunityEvent, EventStatus, PlacesTakenError
from matching.domain.places import UnknownPostcodeError
from matching.entrypoints.dependencies import ContextDep, SiteDep
from matching.entrypoints.schemas import EventEdit, MessageCreate
from matching.entrypoints.web import choices, forms
from matching.handlers import Context, attendance, listings, organising
from matching.handlers.responses import LinkState

DONE = frozenset(
    {"saved", "moderated", "unchanged", "cancelled", "attendance", "message", "no-one", "closed"}
)
ORGANISER_EMAIL: TypeAdapter[str] = TypeAdapter(TypedEmail)
PLACES_TAKEN = "You cannot have fewer places than the %(taken)s volunteers who already have one"


router = APIRouter()


def request_page(
    site: Site, request: Request, *, email: str = "", error: str | None = None, code: int = 200
) -> HTMLResponse:
    errors = site.translated(request, {"email": error} if error else {})
    context = {"values": {"email": email}, "errors": errors}
    return site.render(request, "manage_request.html", context, status_code=code)


def broken_link(site: Site, request: Request, state: LinkState) -> HTMLResponse:
    expired = state is LinkState.EXPIRED
    code = status.HTTP_410_GONE if expired else status.HTTP_404_NOT_FOUND
    context = {"expired": expired, "values": {"email": ""}, "errors": {}}
    return site.render(request, "manage_invalid.html", context, status_code=code)


def back(site: Site, request: Request, token: str, done: str) -> Response:
    return site.see_other(request, f"/events/manage/{quote(token)}?done={done}")


def page(
    site: Site,
    request: Request,
    token: str,
    event: CommunityEvent,
    ctx: Context,
    *,
    done: str = "",
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    message: str = "",
) -> HTMLResponse:
    translate = site.translator(request)
    reason = choices.REJECTION_REASONS.get(event.rejection_reason, "")
    context = {
        "token": quote(token),
        "event": event,
        "type_label": labels.label(labels.INTERESTS, event.event_type, translate),
        "state": _state(event),
        "reason": translate(reason) if reason else "",
        "summary": attendance.summary(event),
        "sharing": len(event.sharing),
        "begun": ctx.clock() >= event.starts_at,
        "editable": event.status in organising.EDITABLE and ctx.clock() < event.starts_at,
        "people_url": ctx.links.addresses.url(
            "notifications", f"/organisers/{quote(token)}/people"
        ),
        "done": done if done in DONE else "",
        "values": values or edit_values(event),
        "errors": site.translated(request, errors or {}),
        "message": message,
        "where": labels.options(choices.WHERE, translate),
    }
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if errors else status.HTTP_200_OK
    return site.render(request, "manage.html", context, status_code=code)


@router.get("/events/manage")
async def ask_for_link(request: Request, site: SiteDep, sent: str = "") -> HTMLResponse:
    if sent:
        return site.render(request, "manage_sent.html")
    return request_page(site, request)


@router.post("/events/manage")
async def send_link(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    """The same answer whether or not the address listed anything (no one learns who
    organises what); rate limited like every form."""
    if refused := await site.over_limit(request):
        return refused
    form = await site.form(request)
    email = text(form, "email").strip()
    try:
        checked = str(ORGANISER_EMAIL.validate_python(email))
    except ValidationError as error:
        said = field_errors(error.errors(), {"email": email}, {"email": EMAIL}, field="email")
        return request_page(site, request, email=email, error=said["email"], code=422)
    language = site.pages.language(request)
    await organising.request_links(
        checked,
        language="cy" if language == "cy" else "en",
        correlation_id=current_correlation_id(),
        ctx=ctx,
    )
    return site.see_other(request, "/events/manage?sent=1")


@router.get("/events/manage/{token}")
async def manage(
    token: str, request: Request, ctx: ContextDep, site: SiteDep, done: str = ""
) -> Response:
    state, event = await organising.read_link(token, ctx)
    if event is None:
        return broken_link(site, request, state)
    return page(site, request, token, event, ctx, done=done)


@router.post("/events/manage/{token}/edit")
async def edit(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    state, event = await organising.read_link(token, ctx)
    if event is None:
        return broken_link(site, request, state)
    if ctx.clock() >= event.starts_at:
        return back(site, request, token, "closed")
    form = await site.form(request)
    values = forms.event_values(form, forms.EDIT_FIELDS)
    body, errors = forms.check_edit(values)
    if body is None:
        return page(site, request, token, event, ctx, values=values, errors=errors)
    try:
        edited = await organising.edit_event(
            event.id, edit_command(body), correlation_id=current_correlation_id(), ctx=ctx
        )
    except UnknownPostcodeError:
        errors = {"postcode": forms.UNKNOWN_POSTCODE}
        return page(site, request, token, event, ctx, values=values, errors=errors)
    except PlacesTakenError as taken:
        said = site.translator(request)(PLACES_TAKEN) % {"taken": taken.taken}
        return page(site, request, token, event, ctx, values=values, errors={"places": said})
    if edited.outcome is organising.EditOutcome.CLOSED:
        return back(site, request, token, "closed")
    if edited.moderated:
        return back(site, request, token, "moderated")
    return back(site, request, token, edited.outcome.value)


@router.post("/events/manage/{token}/cancel")
async def cancel(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    state, event = await organising.read_link(token, ctx)
    if event is None:
        return broken_link(site, request, state)
    await listings.cancel_by_id(event.id, correlation_id=current_correlation_id(), ctx=ctx)
    return back(site, request, token, "cancelled")


@router.post("/events/manage/{token}/attendance")
async def mark_attendance(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    state, event = await organising.read_link(token, ctx)
    if event is None:
        return broken_link(site, request, state)
    form = await site.form(request, max_fields=1000)
    marks = forms.attendance_marks(form)
    await attendance.record_attendance(
        event.id, marks, correlation_id=current_correlation_id(), ctx=ctx
    )
    return back(site, request, token, "attendance")


@router.post("/events/manage/{token}/message")
async def message(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    state, event = await organising.read_link(token, ctx)
    if event is None:
        return broken_link(site, request, state)
    if refused := await site.over_limit(request):
        return refused
    form = await site.form(request)
    written = text(form, "text")
    try:
        body = MessageCreate.model_validate({"text": written})
    except ValidationError as error:
        errors = field_errors(error.errors(), {"text": written}, {"text": forms.MESSAGE})
        return page(site, request, token, event, ctx, errors=errors, message=written)
    sent = await organising.post_message(
        event.id, body.text, correlation_id=current_correlation_id(), ctx=ctx
    )
    return back(site, request, token, "message" if sent else "no-one")


def _state(event: CommunityEvent) -> str:
    if event.status is EventStatus.PUBLISHED:
        return "published"
    if event.status is EventStatus.REJECTED:
        return "rejected"
    if event.status is EventStatus.CANCELLED:
        return "cancelled"
    return "waiting"


def edit_values(event: CommunityEvent) -> dict[str, str]:
    """The edit form filled in with the event as it is (times in UK time)."""
    starts, ends = event.starts_at.astimezone(LONDON), event.ends_at.astimezone(LONDON)
    venue = event.venue
    lines = [*venue.address_lines, "", "", ""]
    return {
        "title": event.pending_title if event.pending_title is not None else event.title,
        "description": event.pending_description
        if event.pending_description is not None
        else event.description,
        "start_date": starts.strftime("%Y-%m-%d"),
        "start_time": starts.strftime("%H:%M"),
        "end_date": ends.strftime("%Y-%m-%d"),
        "end_time": ends.strftime("%H:%M"),
        "places": str(event.places),
        "where": "online" if venue.online else "venue",
        "venue_name": venue.name,
        "address_line_1": lines[0],
        "address_line_2": lines[1],
        "address_line_3": lines[2],
        "town": venue.town,
        "postcode": venue.postcode or "",
        "joining_url": venue.joining_url,
        "arrival_notes": venue.arrival_notes,
        "address_public": "yes" if venue.public else "",
        "accessibility": event.accessibility,
    }


def edit_command(body: EventEdit) -> organising.EditEvent:
    return organising.EditEvent(
        title=body.title,
        description=body.description,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        places=body.places,
        online=body.online,
        postcode=body.postcode,
        venue_name=body.venue_name,
        address_lines=tuple(body.address_lines),
        town=body.town,
        joining_url=body.joining_url,
        arrival_notes=body.arrival_notes,
        accessibility=body.accessibility,
        address_public=body.address_public,
    )
