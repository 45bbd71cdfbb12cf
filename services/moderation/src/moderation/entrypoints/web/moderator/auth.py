"""Sign in, sign out and change password."""

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response

from moderation.domain.moderators import AccountError
from moderation.entrypoints.web.moderator.desk import clock_text, desk_of
from moderation.entrypoints.web.moderator.security import (
    MeDep,
    PostedDep,
    check_origin,
    clear_session_cookie,
    form_of,
    set_session_cookie,
)
from moderation.handlers import moderators

WRONG = "The email address or password is not right."


def auth_pages() -> APIRouter:
    router = APIRouter()

    @router.get("/login")
    async def login_form(request: Request) -> HTMLResponse:
        return desk_of(request).render(request, "moderator/login.html", {"error": "", "email": ""})

    @router.post("/login")
    async def login(request: Request) -> Response:
        check_origin(request)
        desk = desk_of(request)
        form = await form_of(request)
        email, password = str(form.get("email", ""))[:254], str(form.get("password", ""))[:256]
        outcome = await moderators.sign_in(email, password, accounts=desk.accounts)
        if outcome.session is None or outcome.account is None:
            error = WRONG
            if outcome.locked_until is not None:
                error = (
                    "Too many wrong passwords: this account is locked until "
                    f"{clock_text(outcome.locked_until)}."
                )
            context = {"error": error, "email": email}
            return desk.render(
                request, "moderator/login.html", context, status_code=status.HTTP_401_UNAUTHORIZED
            )
        target = "/password" if outcome.account.must_change_password else ""
        response = desk.see_other(request, target)
        set_session_cookie(request, response, outcome.session)
        return response

    @router.post("/logout")
    async def logout(request: Request, me: PostedDep) -> Response:
        desk = desk_of(request)
        await moderators.sign_out(me.session.token, accounts=desk.accounts)
        response = desk.see_other(request, "/login?done=signed-out")
        clear_session_cookie(request, response)
        return response

    @router.get("/password")
    async def password_form(request: Request, me: MeDep) -> HTMLResponse:
        return desk_of(request).render(request, "moderator/password.html", {"error": ""}, me=me)

    @router.post("/password")
    async def change_password(request: Request, me: PostedDep) -> Response:
        desk = desk_of(request)
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
                accounts=desk.accounts,
            )
        except AccountError as error:
            return desk.render(
                request,
                "moderator/password.html",
                {"error": str(error)},
                me=me,
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        return desk.see_other(request, "?done=password")

    return router
