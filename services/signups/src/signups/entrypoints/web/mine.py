"""The volunteer's page "My together" at `/my`, reached by signing in with a link emailed to
their address, or texted to their mobile if they joined with only that.

Not signed in, `/my` is the sign-in form: the page after it is the same for any address or
number. Signed in (the site-wide session cookie, together_kit.web.site), it shows their details
and consents with a form to change them (applied only once the emailed link is followed, as for a
join; not offered to someone without an address), the download of their data, forgetting them,
and signing out; their events are on matching's `/my/events`.
"""

import json
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from together_kit.http.middleware import current_correlation_id
from together_kit.web import labels
from together_kit.web.forms import check, text
from together_kit.web.labels import options
from together_kit.web.pages import Site
from together_kit.web.site import end_session, signed_in, start_session

from signups.domain import phones
from signups.domain.onward import onward
from signups.domain.people import Person
from signups.entrypoints.dependencies import ContextDep, SiteDep
from signups.entrypoints.schemas import ReachChange, SignupCreate
from signups.entrypoints.web import forms
from signups.handlers import Context, mine, sessions
from signups.handlers.sessions import SignInOutcome
from signups.handlers.volunteers import JoinOutcome

LONDON = ZoneInfo("Europe/London")
BABEL = {"en": "en_GB", "cy": "cy"}
NOTICES = {"change-sent", "unchanged", "limited", "signed-out", "reach-changed"}
"""What `/my?done=` may say about what was just done."""

LINK_STATUS = {
    SignInOutcome.EXPIRED: status.HTTP_410_GONE,
    SignInOutcome.INVALID: status.HTTP_404_NOT_FOUND,
}
DONE = {
    JoinOutcome.CHANGE_PENDING: "change-sent",
    JoinOutcome.LIMITED: "limited",
}


def allowed_onward(wanted: str | None, ctx: Context) -> str | None:
    """`next` if it leads somewhere on this site (see `signups.domain.onward`)."""
    addresses = ctx.links.addresses
    site = [ctx.links.base_url]
    if addresses is not None:
        site += [addresses.signups, addresses.matching, addresses.notifications]
    return onward(wanted, site=site)


def onward_allowed(policy: str, ctx: Context) -> str:
    """The page's policy with the site's other services allowed as where its form may lead: the
    browser applies `form-action` to the redirect after the POST too, and `next` may be the
    address of another service of this site (matching's `/my/events`)."""
    addresses = ctx.links.addresses
    if addresses is None:
        return policy
    others = " ".join(
        origin(url) for url in (addresses.matching, addresses.notifications, addresses.signups)
    )
    return policy.replace("form-action 'self'", f"form-action 'self' {others}")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def who(request: Request, ctx: Context) -> UUID | None:
    return signed_in(request, ctx.links.site) if ctx.links.site is not None else None


def details_values(person: Person) -> dict[str, Any]:
    """A person's details as the join form's fields hold them."""
    d = person.details
    return {
        "name": d.name,
        "email": d.email,
        "postcode": d.postcode,
        "interests": [str(i) for i in d.interests],
        "availability": [str(a) for a in d.availability],
        "travel_radius_km": str(d.travel_radius_km),
        "language": d.language,
        "consent_matched_events": "matched-events" in d.consents,
        "consent_news": "news" in d.consents,
        "connector": d.connector,
    }


router = APIRouter()


def sign_in_page(
    site: Site,
    request: Request,
    ctx: Context,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    problem: SignInOutcome | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    wanted = (values or {}).get("next") or request.query_params.get("next")
    context = {
        "values": {**(values or {}), "next": allowed_onward(wanted, ctx) or ""},
        "errors": site.translated(request, errors or {}),
        "problem": problem.value if problem else None,
        "notice": notice,
    }
    code = LINK_STATUS.get(problem, status.HTTP_200_OK) if problem else status.HTTP_200_OK
    if errors:
        code = status.HTTP_422_UNPROCESSABLE_CONTENT
    response = site.render(request, "my_sign_in.html", context, status_code=code)
    response.headers["Cache-Control"] = "no-store"
    return response


def reach_values(person: Person) -> dict[str, Any]:
    """How we reach the person, as the channels form's fields hold it."""
    return {"channels": list(person.details.channels), "phone": phones.shown(person.details.phone)}


def texts_stopped(person: Person, language: str) -> dict[str, str] | None:
    """The word they replied to stop texts and the day, in the page's language, while stopped."""
    stopped = person.texts_stopped
    if stopped is None:
        return None
    day = format_date(
        stopped.at.astimezone(LONDON).date(), "long", locale=BABEL.get(language, "en_GB")
    )
    return {"word": stopped.source.rpartition(":")[2], "day": day}


def my_page(
    site: Site,
    request: Request,
    ctx: Context,
    person: Person,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    reach: dict[str, Any] | None = None,
) -> HTMLResponse:
    """`values` and `errors` of the details form, or `reach` and `errors` of the channels form."""
    translate = site.translator(request)
    done = request.query_params.get("done")
    addresses = ctx.links.addresses
    context = {
        "person": person,
        "values": values or details_values(person),
        "reach": reach or reach_values(person),
        "reach_errors": reach is not None,
        "reach_apart": True,
        "texts_stopped": texts_stopped(person, site.pages.language(request)),
        "errors": site.translated(request, errors or {}),
        "notice": done if done in NOTICES else None,
        "pending": person.pending_change,
        "my_events": addresses.url("matching", "/my/events") if addresses else None,
        "my_events_data": addresses.url("matching", "/my/events/data.json") if addresses else None,
        "interests": options(labels.INTERESTS, translate),
        "availability": options(labels.AVAILABILITY, translate),
        "languages": options(labels.LANGUAGES, translate),
        "channels": options(forms.CHANNEL_LABELS, translate),
        "labels": {
            "channels": forms.CHANNEL_LABELS,
            "interests": labels.INTERESTS,
            "availability": labels.AVAILABILITY,
            "languages": labels.LANGUAGES,
        },
    }
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if errors else status.HTTP_200_OK
    response = site.render(request, "my.html", context, status_code=code)
    response.headers["Cache-Control"] = "no-store"
    return response


async def signed_in_person(request: Request, ctx: Context) -> Person | None:
    return await mine.current(who(request, ctx), ctx)


@router.get("/my", response_model=None)
async def my(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    person = await signed_in_person(request, ctx)
    if person is None:
        done = request.query_params.get("done")
        return sign_in_page(site, request, ctx, notice=done if done == "signed-out" else None)
    return my_page(site, request, ctx, person)


@router.get("/my/sign-in", response_model=None)
async def sign_in_form(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    if await signed_in_person(request, ctx) is not None:
        there = allowed_onward(request.query_params.get("next"), ctx)
        return RedirectResponse(there or site_path(request, "/my"), status.HTTP_303_SEE_OTHER)
    return sign_in_page(site, request, ctx)


@router.post("/my/sign-in")
async def ask_for_link(request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    if refused := await site.over_limit(request):
        return refused
    form = await site.form(request)
    entered = text(form, "contact")
    values = {"contact": entered, "next": text(form, "next")}
    contact, errors = forms.check_contact(entered)
    if contact is None:
        return sign_in_page(site, request, ctx, values=values, errors=errors)
    ask = sessions.request_sign_in_by_text if contact.channel == "sms" else sessions.request_sign_in
    await ask(
        contact.to,
        onward=allowed_onward(values["next"], ctx),
        correlation_id=current_correlation_id(),
        ctx=ctx,
    )
    return site.render(request, "my_sign_in_sent.html", {"channel": contact.channel})


@router.get("/my/sign-in/{token}")
async def sign_in_link(
    token: str, request: Request, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    looked = await sessions.preview(token, ctx=ctx)
    if looked.outcome is not SignInOutcome.READY:
        return sign_in_page(site, request, ctx, problem=looked.outcome)
    response = site.render(request, "my_sign_in_link.html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = onward_allowed(
        response.headers["Content-Security-Policy"], ctx
    )
    return response


@router.post("/my/sign-in/{token}", response_model=None)
async def sign_in(token: str, request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    followed = await sessions.sign_in(token, ctx=ctx)
    if followed.person_id is None or ctx.links.site is None:
        return sign_in_page(site, request, ctx, problem=followed.outcome)
    there = allowed_onward(request.query_params.get("next"), ctx)
    response = RedirectResponse(
        there or site_path(request, "/my"), status_code=status.HTTP_303_SEE_OTHER
    )
    start_session(response, ctx.links.site, followed.person_id, secure=ctx.links.secure)
    return response


@router.post("/my/details", response_model=None)
async def change_details(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    person = await signed_in_person(request, ctx)
    if person is None or not person.details.email:
        return site.see_other(request, "/my")  # without an address, staff change the details
    form = await site.form(request)
    values = {**forms.volunteer_input(form), "email": person.details.email}
    del values["channels"], values["phone"]  # not on this form: `mine.change_details` keeps them
    asked, errors = check(SignupCreate, values, forms.VOLUNTEER)
    if asked is None:
        return my_page(site, request, ctx, person, values=values, errors=errors)
    outcome = await mine.change_details(
        person, asked.details(), correlation_id=current_correlation_id(), ctx=ctx
    )
    return site.see_other(request, f"/my?done={DONE.get(outcome, 'unchanged')}")


@router.post("/my/reach", response_model=None)
async def change_reach(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    person = await signed_in_person(request, ctx)
    if person is None:
        return site.see_other(request, "/my")
    form = await site.form(request)
    values = forms.reach_input(form)
    chosen, errors = check(ReachChange, values, forms.REACH)
    if chosen is None:
        return my_page(site, request, ctx, person, errors=errors, reach=values)
    changed = await mine.choose_reach(
        person,
        tuple(chosen.channels),
        chosen.phone,
        correlation_id=current_correlation_id(),
        ctx=ctx,
    )
    return site.see_other(request, f"/my?done={'reach-changed' if changed else 'unchanged'}")


@router.get("/my/data.json", response_model=None)
async def my_data(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    person = await signed_in_person(request, ctx)
    if person is None:
        return site.see_other(request, "/my")
    held = await mine.my_data(person, ctx)
    return Response(
        json.dumps(held, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="together-my-data.json"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/my/forget", response_model=None)
async def forget_form(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    if await signed_in_person(request, ctx) is None:
        return site.see_other(request, "/my")
    return site.render(request, "my_forget.html")


@router.post("/my/forget", response_model=None)
async def forget(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    person = await signed_in_person(request, ctx)
    if person is None:
        return site.see_other(request, "/my")
    await mine.forget(person, correlation_id=current_correlation_id(), ctx=ctx)
    response = site.render(request, "forgotten.html", {"outcome": "erased"})
    end_session(response, secure=ctx.links.secure)
    return response


@router.post("/my/sign-out", response_model=None)
async def sign_out(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    response = site.see_other(request, "/my?done=signed-out")
    end_session(response, secure=ctx.links.secure)
    return response


def site_path(request: Request, path: str) -> str:
    return str(request.scope.get("root_path", "")) + path
