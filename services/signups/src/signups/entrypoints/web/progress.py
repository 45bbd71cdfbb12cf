"""Progress on a pledge: the form behind the signed link emailed to the organisation's contact,
and the page that sends that link again to the contact's address.

The form's GET shows it and changes nothing (mail scanners fetch links); the POST posts the
update, which waits for a moderator before it is shown on the pledge's page.
"""

from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from together_kit.http.middleware import current_correlation_id
from together_kit.web.forms import check, text
from together_kit.web.pages import FormPage, Site

from signups.domain.organisations import Organisation
from signups.entrypoints.dependencies import ContextDep, SiteDep
from signups.entrypoints.schemas import ProgressCreate, ProgressLinkRequest
from signups.entrypoints.web import forms
from signups.handlers import progress
from signups.handlers.progress import Posted

SENT = "/pledges/progress/sent"
LINK_SENT = "/pledges/link/sent"

router = APIRouter()


def progress_form(site: Site) -> FormPage:
    return site.form_page("pledge_progress.html")


def refused(site: Site, request: Request, why: Posted) -> HTMLResponse:
    """An expired, broken or no longer usable link: the page that says so (and how to get a
    new one)."""
    code = status.HTTP_410_GONE if why is Posted.EXPIRED else status.HTTP_404_NOT_FOUND
    if why is Posted.REFUSED:
        code = status.HTTP_409_CONFLICT
    response = site.render(
        request, "pledge_link_invalid.html", {"why": why.value}, status_code=code
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def about(organisation: Organisation) -> dict[str, object]:
    decision = organisation.pledge_decision
    return {
        "organisation": decision.organisation_name if decision else "",
        "pledge_id": organisation.pledge.id,
    }


@router.get("/pledges/progress/sent")
async def progress_sent(request: Request, site: SiteDep) -> HTMLResponse:
    return site.render(request, "pledge_progress_sent.html")


@router.get("/pledges/progress/{token}")
async def progress_page(
    token: str, request: Request, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    found = await progress.linked(token, ctx)
    if not isinstance(found, Organisation):
        return refused(site, request, found)
    page = progress_form(site)(request, {}, more=about(found))
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/pledges/progress/{token}")
async def post_progress(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    form = await site.public_form(request, thanks=SENT)
    if not isinstance(form, FormData):
        return form
    found = await progress.linked(token, ctx)
    if not isinstance(found, Organisation):
        return refused(site, request, found)
    values = {"text": text(form, "text")}
    update, errors = check(ProgressCreate, values, forms.PROGRESS)
    if update is None:
        return progress_form(site)(request, values, errors, more=about(found))
    command = progress.PostUpdate(
        token=token, text=update.text, correlation_id=current_correlation_id()
    )
    posted = await progress.post_update(command, ctx)
    if posted is not Posted.WAITING:
        return refused(site, request, posted)
    return site.see_other(request, SENT)


def link_form(site: Site) -> FormPage:
    return site.form_page("pledge_link.html")


@router.get("/pledges/link/sent")
async def link_sent(request: Request, site: SiteDep) -> HTMLResponse:
    return site.render(request, "pledge_link_sent.html")


@router.get("/pledges/{pledge_id}/link")
async def link_page(pledge_id: UUID, request: Request, site: SiteDep) -> HTMLResponse:
    return link_form(site)(request, {}, more={"pledge_id": pledge_id})


@router.post("/pledges/{pledge_id}/link")
async def ask_for_link(
    pledge_id: UUID, request: Request, ctx: ContextDep, site: SiteDep
) -> Response:
    form = await site.public_form(request, thanks=LINK_SENT)
    if not isinstance(form, FormData):
        return form
    values = {"email": text(form, "email")}
    asked, errors = check(ProgressLinkRequest, values, forms.FORGET)
    if asked is None:
        return link_form(site)(request, values, errors, more={"pledge_id": pledge_id})
    await progress.send_link_again(
        pledge_id, asked.email, correlation_id=current_correlation_id(), ctx=ctx
    )
    return site.see_other(request, LINK_SENT)
