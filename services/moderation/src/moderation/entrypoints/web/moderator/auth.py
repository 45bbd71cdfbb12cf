"""Sign in (a password, then a code from an authenticator app, enrolled at the first sign-in),
sign out and change password."""

import math

import segno
from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response

from moderation.domain.moderators import AccountError
from moderation.entrypoints.web.moderator.security import (
    Me,
    MeDep,
    PendingDep,
    PendingPostedDep,
    PostedDep,
    check_origin,
    clear_session_cookie,
    client_address,
    form_of,
    set_session_cookie,
)
from moderation.entrypoints.web.moderator.ui import ui_of
from moderation.handlers import moderators, sign_in
from moderation.handlers.sign_in import SignIn

WRONG = "The email address or password is not right."
WRONG_CODE = "That code is not right. Type the newest code your app shows, or a recovery code."
WRONG_ENROL_CODE = (
    "That code is not right. Check the time on your phone, then type the newest code."
)
AGAIN = "Your sign-in has ended. Sign in again."
MAX_CODE = 64


def throttled(wait: float) -> str:
    seconds = max(1, math.ceil(wait))
    return f"Too many failed sign-ins from your network. Try again in {seconds} seconds."


router = APIRouter()


def login_page(request: Request, error: str, email: str, status_code: int) -> HTMLResponse:
    context = {"error": error, "email": email}
    return ui_of(request).render(request, "moderator/login.html", context, status_code=status_code)


def too_many(request: Request, outcome: SignIn, email: str = "") -> HTMLResponse:
    response = login_page(
        request, throttled(outcome.retry_after), email, status.HTTP_429_TOO_MANY_REQUESTS
    )
    response.headers["Retry-After"] = str(max(1, math.ceil(outcome.retry_after)))
    return response


def signed_in(request: Request, outcome: SignIn, response: Response) -> Response:
    if outcome.session is not None:
        set_session_cookie(request, response, outcome.session)
    return response


@router.get("/login")
async def login_form(request: Request) -> HTMLResponse:
    return login_page(request, "", "", status.HTTP_200_OK)


@router.post("/login")
async def login(request: Request) -> Response:
    check_origin(request)
    ui = ui_of(request)
    form = await form_of(request)
    email, password = str(form.get("email", ""))[:254], str(form.get("password", ""))[:256]
    outcome = await sign_in.sign_in(
        email, password, address=client_address(request), accounts=ui.accounts
    )
    if outcome.retry_after > 0:
        return too_many(request, outcome, email)
    if outcome.session is None:
        return login_page(request, WRONG, email, status.HTTP_401_UNAUTHORIZED)
    return signed_in(request, outcome, ui.see_other(request, "/" + outcome.next))


@router.get("/code")
async def code_form(request: Request, me: PendingDep) -> Response:
    ui = ui_of(request)
    if not me.account.totp_enrolled:
        return ui.see_other(request, "/enrol")
    return ui.render(request, "moderator/code.html", {"error": "", "csrf": me.csrf})


@router.post("/code")
async def code(request: Request, me: PendingPostedDep) -> Response:
    ui = ui_of(request)
    typed = str((await form_of(request)).get("code", ""))[:MAX_CODE]
    outcome = await sign_in.second_factor(
        me.session.token, typed, address=client_address(request), accounts=ui.accounts
    )
    if outcome.retry_after > 0:
        return too_many(request, outcome)
    if outcome.session is not None and outcome.account is not None:
        target = "/password" if outcome.account.must_change_password else ""
        return signed_in(request, outcome, ui.see_other(request, target))
    if outcome.account is None:
        response = login_page(request, AGAIN, "", status.HTTP_401_UNAUTHORIZED)
        clear_session_cookie(request, response)
        return response
    return ui.render(
        request,
        "moderator/code.html",
        {"error": WRONG_CODE, "csrf": me.csrf},
        status_code=status.HTTP_401_UNAUTHORIZED,
    )


async def enrol_page(
    request: Request, me: Me, *, error: str = "", status_code: int = status.HTTP_200_OK
) -> HTMLResponse:
    ui = ui_of(request)
    enrolment = await sign_in.enrolment(me.account, accounts=ui.accounts)
    context = {
        "error": error,
        "csrf": me.csrf,
        "secret": " ".join(enrolment.secret[i : i + 4] for i in range(0, 32, 4)),
        "uri": enrolment.uri,
        "qr": segno.make(enrolment.uri, error="m").svg_data_uri(scale=5, border=2),
    }
    return ui.render(request, "moderator/enrol.html", context, status_code=status_code)


@router.get("/enrol")
async def enrol_form(request: Request, me: PendingDep) -> Response:
    if me.account.totp_enrolled:
        return ui_of(request).see_other(request, "/code")
    return await enrol_page(request, me)


@router.post("/enrol")
async def enrol(request: Request, me: PendingPostedDep) -> Response:
    ui = ui_of(request)
    if me.account.totp_enrolled:
        return ui.see_other(request, "/code")
    typed = str((await form_of(request)).get("code", ""))[:MAX_CODE]
    try:
        outcome = await sign_in.enrol(
            me.session.token, typed, address=client_address(request), accounts=ui.accounts
        )
    except AccountError:
        response = login_page(request, AGAIN, "", status.HTTP_409_CONFLICT)
        clear_session_cookie(request, response)
        return response
    if outcome.session is None or outcome.account is None:
        return await enrol_page(
            request,
            me,
            error=WRONG_ENROL_CODE,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    context = {
        "codes": outcome.recovery_codes,
        "next": "/password" if outcome.account.must_change_password else "",
    }
    page = ui.render(request, "moderator/recovery_codes.html", context)
    return signed_in(request, outcome, page)


@router.post("/logout")
async def logout(request: Request, me: PostedDep) -> Response:
    ui = ui_of(request)
    await sign_in.sign_out(me.account, me.session.token, accounts=ui.accounts)
    response = ui.see_other(request, "/login?done=signed-out")
    clear_session_cookie(request, response)
    return response


@router.get("/password")
async def password_form(request: Request, me: MeDep) -> HTMLResponse:
    return ui_of(request).render(request, "moderator/password.html", {"error": ""}, me=me)


@router.post("/password")
async def change_password(request: Request, me: PostedDep) -> Response:
    ui = ui_of(request)
    form = await form_of(request)
    new = str(form.get("new", ""))
    try:
        if new != form.get("again"):
            raise AccountError("The new passwords differ.")
        await moderators.change_password(
            me.account,
            current=str(form.get("current", "")),
            new=new,
            session_token=me.session.token,
            accounts=ui.accounts,
        )
    except AccountError as error:
        return ui.render(
            request,
            "moderator/password.html",
            {"error": str(error)},
            me=me,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    return ui.see_other(request, "?done=password")
