"""The join forms for volunteers and for organisations with a pledge, and their thank-you pages."""

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from together_kit.http import current_correlation_id

from signups.entrypoints.dependencies import ContextDep
from signups.entrypoints.schemas import OrganisationCreate, SignupCreate
from signups.entrypoints.web import forms, labels
from signups.entrypoints.web.site import Site
from signups.handlers.organisations import JoinOrganisation, join_organisation
from signups.handlers.volunteers import JoinVolunteer, join_volunteer

DEFAULT_TRAVEL_RADIUS_KM = "10"


def join_pages(site: Site) -> APIRouter:
    router = APIRouter()

    def volunteer_form(
        request: Request,
        values: Mapping[str, Any],
        errors: Mapping[str, str] | None = None,
        *,
        status_code: int = status.HTTP_200_OK,
    ) -> HTMLResponse:
        translate = site.translator(request)
        context = {
            "values": values,
            "errors": site.translated(request, errors or {}),
            "interests": labels.options(labels.INTERESTS, translate),
            "availability": labels.options(labels.AVAILABILITY, translate),
            "languages": labels.options(labels.LANGUAGES, translate),
        }
        return site.render(request, "join.html", context, status_code=status_code)

    def organisation_form(
        request: Request,
        values: Mapping[str, Any],
        errors: Mapping[str, str] | None = None,
        *,
        status_code: int = status.HTTP_200_OK,
    ) -> HTMLResponse:
        translate = site.translator(request)
        context = {
            "values": values,
            "errors": site.translated(request, errors or {}),
            "organisation_types": labels.options(labels.ORGANISATION_TYPES, translate),
            "categories": labels.options(labels.INTERESTS, translate),
            "languages": labels.options(labels.LANGUAGES, translate),
        }
        return site.render(request, "organisation.html", context, status_code=status_code)

    @router.get("/join")
    async def join_form(request: Request) -> HTMLResponse:
        language = site.pages.language(request)
        return volunteer_form(
            request, {"travel_radius_km": DEFAULT_TRAVEL_RADIUS_KM, "language": language}
        )

    @router.post("/join")
    async def join(request: Request, ctx: ContextDep) -> Response:
        if refused := await site.over_limit(request):
            return refused
        form = await site.form(request)
        if forms.from_a_bot(form):
            return site.see_other(request, "/join/thanks")
        values = forms.volunteer_input(form)
        signup, errors = forms.check(SignupCreate, values, forms.VOLUNTEER)
        if signup is None:
            return volunteer_form(
                request, values, errors, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        command = JoinVolunteer(
            details=signup.details(), source="form", correlation_id=current_correlation_id()
        )
        await join_volunteer(command, ctx)
        return site.see_other(request, "/join/thanks")

    @router.get("/join/thanks")
    async def join_thanks(request: Request) -> HTMLResponse:
        return site.render(request, "join_thanks.html")

    @router.get("/join/organisation")
    async def organisation_join_form(request: Request) -> HTMLResponse:
        return organisation_form(request, {"language": site.pages.language(request)})

    @router.post("/join/organisation")
    async def organisation_join(request: Request, ctx: ContextDep) -> Response:
        if refused := await site.over_limit(request):
            return refused
        form = await site.form(request)
        if forms.from_a_bot(form):
            return site.see_other(request, "/join/organisation/thanks")
        values = forms.organisation_input(form)
        organisation, errors = forms.check(OrganisationCreate, values, forms.ORGANISATION)
        if organisation is None:
            return organisation_form(
                request, values, errors, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        command = JoinOrganisation(
            details=organisation.details(),
            pledge=organisation.pledge_made(),
            correlation_id=current_correlation_id(),
        )
        await join_organisation(command, ctx)
        return site.see_other(request, "/join/organisation/thanks")

    @router.get("/join/organisation/thanks")
    async def organisation_thanks(request: Request) -> HTMLResponse:
        return site.render(request, "organisation_thanks.html")

    return router
