"""The right to erasure: ask at /forget, then confirm with the link we email.

The reply to an address is the same whether or not we know it, so the page reveals nobody; and
every address is sent a link, so a story author, event organiser or organisation contact that is
not a volunteer can be forgotten too.
"""

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse
from together_kit.http.middleware import current_correlation_id
from together_kit.web.forms import text
from together_kit.web.pages import Site

from signups.domain.links import ERASURE_MAX_AGE_SECONDS, Purpose
from signups.entrypoints.dependencies import ContextDep, SiteDep
from signups.entrypoints.web import forms
from signups.entrypoints.web.links import readable
from signups.handlers import erasure
from signups.handlers.erasure import ErasureOutcome

ERASED_STATUS = {
    ErasureOutcome.EXPIRED: status.HTTP_410_GONE,
    ErasureOutcome.INVALID: status.HTTP_404_NOT_FOUND,
}
FORM = "forget.html"

router = APIRouter()


def outcome_page(site: Site, request: Request, outcome: ErasureOutcome) -> HTMLResponse:
    if outcome is ErasureOutcome.INVALID:
        return site.render(request, "link_invalid.html", status_code=status.HTTP_404_NOT_FOUND)
    return site.render(
        request,
        "forgotten.html",
        {"outcome": outcome.value},
        status_code=ERASED_STATUS.get(outcome, status.HTTP_200_OK),
    )


@router.get("/forget")
async def forget_form(request: Request, site: SiteDep) -> HTMLResponse:
    return site.form_page(FORM)(request, {})


@router.post("/forget")
async def forget(request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    if refused := await site.over_limit(request):
        return refused
    form = await site.form(request)
    entered = text(form, "email")
    email, errors = forms.check_email(entered)
    if email is None:
        return site.form_page(FORM)(request, {"email": entered}, errors)
    await erasure.request_erasure_link(
        email,
        correlation_id=current_correlation_id(),
        ctx=ctx,
        language="cy" if site.pages.language(request) == "cy" else "en",
    )
    return site.render(request, "forget_sent.html")


@router.get("/forget/{token}")
async def erase_form(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    state = readable(ctx.tokens, token, Purpose.ERASE, max_age=ERASURE_MAX_AGE_SECONDS)
    if state == "invalid":
        state = readable(ctx.tokens, token, Purpose.ERASE_ADDRESS, max_age=ERASURE_MAX_AGE_SECONDS)
    if state != "valid":
        return outcome_page(site, request, ErasureOutcome(state))
    return site.render(request, "forget_confirm.html")


@router.post("/forget/{token}")
async def erase(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    outcome = await erasure.erase(token, correlation_id=current_correlation_id(), ctx=ctx)
    return outcome_page(site, request, outcome)
