""" "I can help" from the events page: `/events/{id}/help`.

Signed in to "My together" (the site's session cookie), a volunteer sees the event and a button;
the POST takes a place or joins the waitlist, then redirects to the same page, which now says where
they stand (post/redirect/get: a refresh takes nothing twice). Signed out, the page leads to
signups' sign-in and join pages, each with a `next` back here.
"""

from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from together_kit.http.middleware import current_correlation_id
from together_kit.web import labels
from together_kit.web.pages import Site
from together_kit.web.site import Addresses, signed_in

from matching.domain.community_events import Answer, CommunityEvent
from matching.entrypoints.dependencies import ContextDep, SiteDep
from matching.handlers import Context, attendance, helping
from matching.handlers.helping import Refusal

REFUSED = {
    Refusal.NO_EVENT: status.HTTP_404_NOT_FOUND,
    Refusal.CLOSED: status.HTTP_409_CONFLICT,
    Refusal.NOT_A_VOLUNTEER: status.HTTP_403_FORBIDDEN,
}


def with_next(addresses: Addresses, service: str, path: str, back: str) -> str:
    return f"{addresses.url(service, path)}?{urlencode({'next': back})}"


router = APIRouter()


def links(ctx: Context, event_id: UUID | str) -> dict[str, str]:
    addresses = ctx.links.addresses
    back = addresses.url("matching", f"/events/{event_id}/help")
    return {
        "sign_in_url": with_next(addresses, "signups", "/my/sign-in", back),
        "join_url": with_next(addresses, "signups", "/join", back),
        "my_url": addresses.url("signups", "/my"),
        "my_events_url": addresses.url("matching", "/my/events"),
    }


def page(
    site: Site,
    request: Request,
    ctx: Context,
    template: str,
    event: CommunityEvent | None,
    *,
    event_id: UUID | str,
    status_code: int = status.HTTP_200_OK,
    **context: object,
) -> HTMLResponse:
    translate = site.translator(request)
    kind = labels.label(labels.INTERESTS, event.event_type, translate) if event else ""
    shown = {"event": event, "type_label": kind, **links(ctx, event_id), **context}
    return site.render(request, template, shown, status_code=status_code)


def refused(
    site: Site, request: Request, ctx: Context, refusal: Refusal, event_id: UUID | str
) -> HTMLResponse:
    return page(
        site,
        request,
        ctx,
        "help_refused.html",
        None,
        event_id=event_id,
        status_code=REFUSED[refusal],
        refusal=refusal.value,
    )


@router.get("/events/{event_id}/help")
async def help_page(
    event_id: str, request: Request, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    identifier = _uuid(event_id)
    found = await helping.public_event(identifier, ctx) if identifier else Refusal.NO_EVENT
    if isinstance(found, Refusal):
        return refused(site, request, ctx, found, event_id)
    person_id = signed_in(request, ctx.links.site)
    if person_id is None:
        return page(site, request, ctx, "help.html", found, event_id=found.id, signed_in=False)
    proposal = await helping.offer(found.id, person_id, ctx)
    if isinstance(proposal, Refusal):
        return refused(site, request, ctx, proposal, event_id)
    answer, position = proposal.answer
    if answer in (Answer.ACCEPTED, Answer.WAITLISTED):
        return page(
            site,
            request,
            ctx,
            "helped.html",
            found,
            event_id=found.id,
            outcome=answer.value,
            position=position,
            code=attendance.place_code(found.id, person_id),
        )
    return page(site, request, ctx, "help.html", found, event_id=found.id, signed_in=True)


@router.post("/events/{event_id}/help")
async def offer_help(event_id: str, request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    identifier = _uuid(event_id)
    if identifier is None:
        return refused(site, request, ctx, Refusal.NO_EVENT, event_id)
    if over := await site.over_limit(request):
        return over
    person_id = signed_in(request, ctx.links.site)
    if person_id is not None:
        taken = await helping.take_place(
            identifier, person_id, correlation_id=current_correlation_id(), ctx=ctx
        )
        if isinstance(taken, Refusal):
            return refused(site, request, ctx, taken, event_id)
    return site.see_other(request, f"/events/{identifier}/help")


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None
