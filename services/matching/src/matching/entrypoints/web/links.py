"""Pages for signed links: a volunteer answers a proposal; an organiser cancels an event.

The links show a page first and act only on POST: mail scanners fetch links in emails, and must
not accept, decline or cancel anything by doing so.
"""

from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse
from together_kit.http.middleware import current_correlation_id
from together_kit.web import labels
from together_kit.web.forms import ticked
from together_kit.web.pages import Site

from matching.domain.community_events import Answer, CommunityEvent
from matching.entrypoints.dependencies import ContextDep, SiteDep
from matching.entrypoints.web import choices, forms
from matching.handlers import Context, attendance, listings, responses
from matching.handlers.listings import CancelOutcome
from matching.handlers.responses import LinkState

router = APIRouter()


def broken_link(site: Site, request: Request, state: str, ctx: Context) -> HTMLResponse:
    """A clear page, and the way back: My together lists every invitation and place."""
    expired = state == LinkState.EXPIRED.value
    code = status.HTTP_410_GONE if expired else status.HTTP_404_NOT_FOUND
    addresses = ctx.links.addresses
    back = addresses.url("matching", "/my/events")
    sign_in = addresses.url("signups", "/my/sign-in?" + urlencode({"next": back}))
    context = {"expired": expired, "sign_in_url": sign_in}
    return site.render(request, "link_invalid.html", context, status_code=code)


def event_context(site: Site, request: Request, proposal: responses.Proposal) -> dict[str, object]:
    translate = site.translator(request)
    answer, position = proposal.answer
    return {
        "event": proposal.event,
        "type_label": labels.label(labels.INTERESTS, proposal.event.event_type, translate),
        "answer": answer.value if answer else None,
        "position": position,
        "code": attendance.place_code(proposal.event.id, proposal.person_id),
        "said": choices.reasons_said(proposal.reasons, translate),
    }


@router.get("/r/{token}")
async def respond_form(
    token: str, request: Request, ctx: ContextDep, site: SiteDep, answer: str = ""
) -> HTMLResponse:
    state, proposal = await responses.read_link(token, ctx)
    if proposal is None:
        return broken_link(site, request, state, ctx)
    context = event_context(site, request, proposal)
    return site.render(request, "respond.html", {**context, "suggested": answer})


@router.post("/r/{token}")
async def respond(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    state, proposal = await responses.read_link(token, ctx)
    if proposal is None:
        return broken_link(site, request, state, ctx)
    form = await site.form(request)
    accept = form.get("answer") == "accept"
    outcome, position = await responses.respond(
        proposal,
        accept=accept,
        share=ticked(form, "share"),
        correlation_id=current_correlation_id(),
        ctx=ctx,
    )
    context = {**event_context(site, request, proposal), "outcome": outcome.value}
    code = status.HTTP_409_CONFLICT if outcome is Answer.CLOSED else status.HTTP_200_OK
    return site.render(
        request, "responded.html", {**context, "position": position}, status_code=code
    )


@router.get("/events/cancel/{token}")
async def cancel_form(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    outcome, event_id = listings.cancellable(token, ctx)
    event = await ctx.events.get(event_id) if event_id else None
    if event is None:
        return broken_link(site, request, outcome.value, ctx)
    return site.render(request, "cancel.html", {"event": event})


@router.post("/events/cancel/{token}")
async def cancel(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    outcome = await listings.cancel_event(token, correlation_id=current_correlation_id(), ctx=ctx)
    if outcome in (CancelOutcome.EXPIRED, CancelOutcome.INVALID):
        return broken_link(site, request, outcome.value, ctx)
    return site.render(request, "cancelled.html")


async def organiser_event(token: str, ctx: Context) -> tuple[str, CommunityEvent | None]:
    outcome, event_id = listings.cancellable(token, ctx)
    return outcome.value, (await ctx.events.get(event_id) if event_id else None)


def attendance_page(
    site: Site, request: Request, event: CommunityEvent, ctx: Context, *, saved: bool = False
) -> HTMLResponse:
    context = {
        "event": event,
        "summary": attendance.summary(event),
        "begun": ctx.clock() >= event.starts_at,
        "saved": saved,
    }
    return site.render(request, "attendance.html", context)


@router.get("/events/attendance/{token}")
async def attendance_form(
    token: str, request: Request, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    state, event = await organiser_event(token, ctx)
    if event is None:
        return broken_link(site, request, state, ctx)
    return attendance_page(site, request, event, ctx)


@router.post("/events/attendance/{token}")
async def mark_attendance(
    token: str, request: Request, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    state, event = await organiser_event(token, ctx)
    if event is None:
        return broken_link(site, request, state, ctx)
    form = await site.form(request)
    marks = forms.attendance_marks(form)
    marked = await attendance.record_attendance(
        event.id, marks, correlation_id=current_correlation_id(), ctx=ctx
    )
    return attendance_page(site, request, marked, ctx, saved=True)
