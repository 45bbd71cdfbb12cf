"""The open letter of the Decade of Reconnection: its text, the counts by nation, the form to
co-sign it and the public list of those who agreed to be shown (names and towns only)."""

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from together_contracts import Nation, SignatoryKind
from together_kit.http.middleware import current_correlation_id
from together_kit.web import labels
from together_kit.web.forms import check
from together_kit.web.pages import FormPage, Site

from signups.entrypoints.dependencies import ContextDep, SettingsDep, SiteDep
from signups.entrypoints.schemas import SignatureCreate
from signups.entrypoints.web import forms
from signups.handlers import letter

NATIONS: Mapping[str, str] = {
    Nation.ENGLAND: "England",
    Nation.SCOTLAND: "Scotland",
    Nation.WALES: "Wales",
    Nation.NORTHERN_IRELAND: "Northern Ireland",
}
KINDS: Mapping[str, str] = {
    SignatoryKind.PERSON: "As a person",
    SignatoryKind.ORGANISATION: "For an organisation",
}
LABELS: tuple[Mapping[str, str], ...] = (NATIONS, KINDS)
"""English msgids of the choices, translated when a page is rendered."""
NEWEST_SHOWN = 10
"""Names on /letter itself; the whole list is at /letter/signatories."""

router = APIRouter()


def letter_form(site: Site) -> FormPage:
    return site.form_page("letter.html", nations=NATIONS, kinds=KINDS, languages=labels.LANGUAGES)


async def standing(request: Request, site: Site, ctx: ContextDep) -> dict[str, Any]:
    """The counts by nation (in words of the page's language) and the first names on the list."""
    translate = site.translator(request)
    counts = await letter.signatures(ctx).counts()
    listed = await letter.public_list(1, per_page=NEWEST_SHOWN, ctx=ctx)
    return {
        "total": counts.total,
        "by_nation": [(translate(NATIONS[n]), counts.by_nation[n]) for n in Nation],
        "listed": listed,
    }


@router.get("/letter")
async def letter_page(request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    values = {"language": site.pages.language(request)}
    return letter_form(site)(request, values, more=await standing(request, site, ctx))


@router.post("/letter")
async def sign(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    form = await site.public_form(request, thanks="/letter/thanks")
    if not isinstance(form, FormData):
        return form
    values = forms.signature_input(form)
    signature, errors = check(SignatureCreate, values, forms.SIGNATURE)
    if signature is None:
        return letter_form(site)(request, values, errors, more=await standing(request, site, ctx))
    command = letter.SignLetter(
        details=signature.details(), correlation_id=current_correlation_id()
    )
    await letter.sign_letter(command, ctx)
    return site.see_other(request, "/letter/thanks")


@router.get("/letter/thanks")
async def thanks(request: Request, site: SiteDep) -> HTMLResponse:
    return site.render(request, "letter_thanks.html")


@router.get("/letter/signatories")
async def signatories(
    request: Request,
    ctx: ContextDep,
    site: SiteDep,
    settings: SettingsDep,
    page: int = Query(1, ge=1, le=100_000),
) -> HTMLResponse:
    listed = await letter.public_list(page, per_page=settings.signatories_per_page, ctx=ctx)
    return site.render(request, "letter_signatories.html", {"listed": listed})
