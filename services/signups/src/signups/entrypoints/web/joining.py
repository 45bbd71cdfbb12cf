"""The join forms for volunteers and for organisations with a pledge, and their thank-you pages."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from together_kit.http.middleware import current_correlation_id
from together_kit.web import labels
from together_kit.web.forms import check, text
from together_kit.web.pages import FormPage, Site

from signups.entrypoints.dependencies import ContextDep, SiteDep
from signups.entrypoints.schemas import OrganisationCreate, SignupCreate
from signups.entrypoints.web import forms
from signups.entrypoints.web.mine import allowed_onward
from signups.handlers.organisations import JoinOrganisation, join_organisation
from signups.handlers.volunteers import JoinVolunteer, join_volunteer

DEFAULT_TRAVEL_RADIUS_KM = "10"


router = APIRouter()


def volunteer_form(site: Site) -> FormPage:
    return site.form_page(
        "join.html",
        channels=forms.CHANNEL_LABELS,
        interests=labels.INTERESTS,
        availability=labels.AVAILABILITY,
        languages=labels.LANGUAGES,
    )


def organisation_form(site: Site) -> FormPage:
    return site.form_page(
        "organisation.html",
        organisation_types=labels.ORGANISATION_TYPES,
        categories=labels.INTERESTS,
        languages=labels.LANGUAGES,
    )


@router.get("/join")
async def join_form(request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    language = site.pages.language(request)
    onward = allowed_onward(request.query_params.get("next"), ctx) or ""
    return volunteer_form(site)(
        request,
        {"travel_radius_km": DEFAULT_TRAVEL_RADIUS_KM, "language": language, "next": onward},
    )


@router.post("/join")
async def join(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    form = await site.public_form(request, thanks="/join/thanks")
    if not isinstance(form, FormData):
        return form
    values = forms.volunteer_input(form)
    onward = allowed_onward(text(form, "next"), ctx)
    signup, errors = check(SignupCreate, values, forms.VOLUNTEER)
    if signup is None:
        return volunteer_form(site)(request, {**values, "next": onward or ""}, errors)
    command = JoinVolunteer(
        details=signup.details(),
        source="form",
        correlation_id=current_correlation_id(),
        onward=onward,
    )
    await join_volunteer(command, ctx)
    return site.see_other(request, "/join/thanks")


@router.get("/join/thanks")
async def join_thanks(request: Request, site: SiteDep) -> HTMLResponse:
    return site.render(request, "join_thanks.html")


@router.get("/join/organisation")
async def organisation_join_form(request: Request, site: SiteDep) -> HTMLResponse:
    return organisation_form(site)(request, {"language": site.pages.language(request)})


@router.post("/join/organisation")
async def organisation_join(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    form = await site.public_form(request, thanks="/join/organisation/thanks")
    if not isinstance(form, FormData):
        return form
    values = forms.organisation_input(form)
    organisation, errors = check(OrganisationCreate, values, forms.ORGANISATION)
    if organisation is None:
        return organisation_form(site)(request, values, errors)
    command = JoinOrganisation(
        details=organisation.details(),
        pledge=organisation.pledge_made(),
        correlation_id=current_correlation_id(),
    )
    await join_organisation(command, ctx)
    return site.see_other(request, "/join/organisation/thanks")


@router.get("/join/organisation/thanks")
async def organisation_thanks(request: Request, site: SiteDep) -> HTMLResponse:
    return site.render(request, "organisation_thanks.html")
