"""The assisted pages (`/assisted`, issue 23): a staff member, sent here by moderation with a
staff pass, signs up someone who joined on paper or by phone, prints the letter confirming it,
and erases someone who asked by phone or letter, found by their mobile.

No pass, an expired or forged one, or no staff session: a 403 page saying to start again from
the moderator pages, and nothing written. Every form carries the session's CSRF token.
"""

from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from together_kit.http.middleware import current_correlation_id
from together_kit.signing import TokenExpiredError, TokenInvalidError
from together_kit.staff_pass import read_pass
from together_kit.web import labels
from together_kit.web.forms import check, text, ticked
from together_kit.web.pages import FormPage, Site

from signups.domain.assisted import PAPER_FORM_VERSIONS, STAFF_ROLES, AskedBy, Staff
from signups.domain.phones import NotAPhoneNumberError, e164
from signups.entrypoints.dependencies import ContextDep, SiteDep
from signups.entrypoints.web import forms, staff_session
from signups.entrypoints.web.assisted_forms import (
    ASSISTED,
    FORM_VERSION_LABELS,
    JOINED_BY_LABELS,
    AssistedSignupCreate,
    assisted_input,
    with_future,
)
from signups.entrypoints.web.staff_session import KeysDep, StaffDep, StaffPostedDep
from signups.handlers import assisted

router = APIRouter()
FIND_PHONE = "Enter the mobile number they gave, like 07700 900 982"
NOT_FOUND = "No volunteer has this mobile number"
ASKED_HOW = "Choose how they asked"


def volunteer_form(site: Site) -> FormPage:
    return site.form_page(
        "assisted_volunteer.html",
        channels=forms.CHANNEL_LABELS,
        interests=labels.INTERESTS,
        availability=labels.AVAILABILITY,
        languages=labels.LANGUAGES,
        joined_by=JOINED_BY_LABELS,
        form_versions=FORM_VERSION_LABELS,
    )


def forbidden(request: Request, site: Site) -> HTMLResponse:
    return site.render(request, "assisted_forbidden.html", status_code=status.HTTP_403_FORBIDDEN)


async def staff_only(request: Request, _: Exception) -> Response:
    """No staff session, or a form without its CSRF token (`staff_session.StaffOnlyError`)."""
    site: Site = request.app.state.site
    return forbidden(request, site)


@router.get("/assisted/start")
async def start(request: Request, ctx: ContextDep, site: SiteDep, keys: KeysDep) -> Response:
    try:
        staff_pass = read_pass(keys, request.query_params.get("pass", ""))
    except (TokenExpiredError, TokenInvalidError):
        return forbidden(request, site)
    if staff_pass.role not in STAFF_ROLES:
        return forbidden(request, site)
    response = site.see_other(request, "/assisted")
    staff = Staff(staff_pass.staff_id, staff_pass.name)
    staff_session.start(response, staff, keys=keys, secure=ctx.links.secure)
    return response


@router.get("/assisted")
async def home(request: Request, site: SiteDep, me: StaffDep) -> HTMLResponse:
    return site.render(request, "assisted_home.html", {"me": me, "values": {}, "errors": {}})


@router.post("/assisted/sign-out")
async def sign_out(
    request: Request, ctx: ContextDep, site: SiteDep, me: StaffPostedDep
) -> Response:
    response = site.render(request, "assisted_forbidden.html", {"signed_out": True})
    staff_session.end(response, secure=ctx.links.secure)
    return response


@router.get("/assisted/volunteers/new")
async def new_volunteer(
    request: Request, ctx: ContextDep, site: SiteDep, me: StaffDep
) -> HTMLResponse:
    values = {
        "travel_radius_km": "10",
        "language": site.pages.language(request),
        "form_version": PAPER_FORM_VERSIONS[0],
        "on": ctx.clock().date().isoformat(),
    }
    return volunteer_form(site)(request, values, more={"me": me})


@router.post("/assisted/volunteers/new")
async def enter_volunteer(
    request: Request, ctx: ContextDep, site: SiteDep, me: StaffPostedDep
) -> Response:
    values = assisted_input(await site.form(request))
    signup, errors = check(AssistedSignupCreate, values, ASSISTED)
    errors = with_future(errors, values["on"], ctx.clock().date())
    if signup is None or errors:
        shown = {**values, "email": values["email"] or ""}
        return volunteer_form(site)(request, shown, errors, more={"me": me})
    command = assisted.EnterVolunteer(
        details=signup.assisted_details(),
        witness=signup.witness(me.staff),
        correlation_id=current_correlation_id(),
    )
    entered = await assisted.enter_volunteer(command, ctx)
    if entered.person_id is None:
        return site.see_other(request, "/assisted?done=limited")
    return site.see_other(request, f"/assisted/volunteers/{entered.person_id}/letter")


@router.get("/assisted/volunteers/{person_id}/letter")
async def letter(
    person_id: UUID, request: Request, ctx: ContextDep, site: SiteDep, me: StaffDep
) -> HTMLResponse:
    """The confirmation to print and post: what they signed up for and how to stop."""
    person = await ctx.people.get(person_id)
    if person is None:
        return site.render(request, "assisted_gone.html", {"me": me}, status_code=404)
    return site.render(request, "assisted_letter.html", {"me": me, "person": person})


@router.post("/assisted/find")
async def find(request: Request, ctx: ContextDep, site: SiteDep, me: StaffPostedDep) -> Response:
    """A volunteer by their mobile, exactly, after normalising (`07700 900982` = `+447700900982`)."""
    raw = text(await site.form(request), "phone").strip()
    try:
        phone = e164(raw)
    except NotAPhoneNumberError:
        return _home(request, site, me, raw, {"phone": FIND_PHONE})
    person = await assisted.find_by_phone(phone, ctx)
    if person is None:
        return _home(request, site, me, raw, {"phone": NOT_FOUND})
    return site.render(
        request, "assisted_erase.html", {"me": me, "person": person, "errors": {}, "values": {}}
    )


@router.post("/assisted/volunteers/{person_id}/erase")
async def erase(
    person_id: UUID, request: Request, ctx: ContextDep, site: SiteDep, me: StaffPostedDep
) -> Response:
    form = await site.form(request)
    asked = text(form, "asked_by")
    if asked not in set(AskedBy) or not ticked(form, "asked"):
        person = await ctx.people.get(person_id)
        if person is None:
            return site.see_other(request, "/assisted?done=erased")
        errors = site.translated(request, {"asked_by": ASKED_HOW})
        context = {"me": me, "person": person, "errors": errors, "values": {"asked_by": asked}}
        return site.render(request, "assisted_erase.html", context, status_code=422)
    await assisted.erase_by_phone(
        person_id,
        asked_by=AskedBy(asked),
        staff=me.staff,
        correlation_id=current_correlation_id(),
        ctx=ctx,
    )
    return site.see_other(request, "/assisted?done=erased")


def _home(
    request: Request, site: Site, me: staff_session.StaffSession, raw: str, errors: dict[str, str]
) -> HTMLResponse:
    context = {"me": me, "values": {"phone": raw}, "errors": site.translated(request, errors)}
    return site.render(request, "assisted_home.html", context, status_code=422)
