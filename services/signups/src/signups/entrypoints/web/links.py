"""Pages for the signed links in emails: confirm an address or a change, unsubscribe.

No link acts on GET. Each shows what it is for and a button that acts (POST): mail scanners
fetch the links in an email, and must not confirm or unsubscribe anyone by doing so.
"""

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse
from together_kit.http.middleware import current_correlation_id
from together_kit.signing import TokenExpiredError, TokenInvalidError
from together_kit.web import labels as kit_labels
from together_kit.web.pages import Site
from together_kit.web.site import start_session

from signups.domain.links import Purpose
from signups.entrypoints.dependencies import ContextDep, SiteDep
from signups.entrypoints.web.forms import CHANNEL_LABELS
from signups.entrypoints.web.letter import KINDS, NATIONS
from signups.entrypoints.web.mine import allowed_onward
from signups.handlers import links
from signups.handlers.links import LinkOutcome
from signups.handlers.ports import TokenReader

LABELS = {
    "interests": kit_labels.INTERESTS,
    "availability": kit_labels.AVAILABILITY,
    "languages": kit_labels.LANGUAGES,
    "organisation_types": kit_labels.ORGANISATION_TYPES,
    "nations": NATIONS,
    "kinds": KINDS,
    "channels": CHANNEL_LABELS,
}
"""How the confirmation page names the choices it shows (translated in the template)."""

CONFIRM_STATUS = {
    LinkOutcome.EXPIRED: status.HTTP_410_GONE,
    LinkOutcome.INVALID: status.HTTP_404_NOT_FOUND,
}


router = APIRouter()


def broken_link(site: Site, request: Request) -> HTMLResponse:
    return site.render(request, "link_invalid.html", status_code=status.HTTP_404_NOT_FOUND)


def confirm_outcome(
    site: Site, request: Request, outcome: LinkOutcome, what: dict[str, Any]
) -> HTMLResponse:
    if outcome is LinkOutcome.INVALID:
        return broken_link(site, request)
    template = "confirm.html" if outcome is LinkOutcome.READY else "confirmed.html"
    response = site.render(
        request,
        template,
        {"onward": None, **what, "outcome": outcome.value, "labels": LABELS},
        status_code=CONFIRM_STATUS.get(outcome, status.HTTP_200_OK),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/confirm/{token}")
async def confirm_form(
    token: str, request: Request, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    preview = await links.preview(token, ctx=ctx)
    return confirm_outcome(site, request, preview.outcome, shown(preview))


@router.post("/confirm/{token}")
async def confirm(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    followed = await links.confirm(token, correlation_id=current_correlation_id(), ctx=ctx)
    onward = allowed_onward(request.query_params.get("next"), ctx)
    what = {
        "organisation": followed.organisation,
        "change": followed.change,
        "signature": followed.signature,
        "onward": onward,
    }
    page = confirm_outcome(site, request, followed.outcome, what)
    if followed.person_id is not None and ctx.links.site is not None:
        # Following the link proved the address is theirs: they are signed in, so a `next`
        # page of the site (an event to help at) knows them at once.
        start_session(page, ctx.links.site, followed.person_id, secure=ctx.links.secure)
    return page


@router.get("/stop-emails/{token}")
async def unsubscribe_form(
    token: str, request: Request, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    if readable(ctx.tokens, token, Purpose.UNSUBSCRIBE, max_age=None) != "valid":
        return broken_link(site, request)
    return site.render(request, "unsubscribe.html")


@router.post("/stop-emails/{token}")
async def unsubscribe(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    followed = await links.unsubscribe(token, correlation_id=current_correlation_id(), ctx=ctx)
    if followed.outcome is not LinkOutcome.UNSUBSCRIBED:
        return broken_link(site, request)
    return site.render(request, "unsubscribed.html")


def shown(preview: links.Preview) -> dict[str, Any]:
    """What the confirmation page shows of what its button would confirm."""
    organisation = preview.organisation
    return {
        "organisation": preview.purpose is Purpose.CONFIRM_ORGANISATION,
        "change": preview.purpose is Purpose.CONFIRM_CHANGE,
        "signature": preview.purpose is Purpose.CONFIRM_SIGNATURE,
        "signature_details": preview.signature.details if preview.signature else None,
        "volunteer_details": preview.volunteer,
        "organisation_details": organisation.details if organisation else None,
        "pledge": organisation.pledge if organisation else None,
    }


def readable(tokens: TokenReader, token: str, purpose: Purpose, *, max_age: int | None) -> str:
    """Whether a link could still work (`valid`, `expired` or `invalid`), without following it."""
    try:
        claims = tokens.read(token, max_age=max_age)
    except TokenExpiredError:
        return "expired"
    except TokenInvalidError:
        return "invalid"
    return "valid" if claims.purpose is purpose else "invalid"
