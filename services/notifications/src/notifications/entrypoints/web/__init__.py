"""Pages of notifications: one-click unsubscribe (RFC 8058) with the choice of a weekly digest of
invitations, an organiser's "who is coming" page, the support page, a development page."""

import dataclasses
import hmac
import re
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from together_kit.http.middleware import current_correlation_id
from together_kit.signing import TokenExpiredError, TokenInvalidError
from together_kit.web.rendering import WebPages
from together_kit.web.site import ORGANISER_MAX_AGE_SECONDS, SitePurpose, SiteTokens

from notifications.domain.messages import Message
from notifications.entrypoints.api import MAX_MESSAGES, messages_to
from notifications.entrypoints.dependencies import ContextDep, PagesDep, SettingsDep
from notifications.handlers import digest, organisers, people
from notifications.handlers.when import staff_time

basic = HTTPBasic(realm="together support", auto_error=False)
LINK = re.compile(r"https?://[^\s\"'<>]+")


def support_login(
    settings: SettingsDep, credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)]
) -> None:
    """Support staff sign in with any user name and the admin key as password."""
    key = settings.admin_api_key.get_secret_value() if settings.admin_api_key else ""
    given = credentials.password if credentials else ""
    if not key or not hmac.compare_digest(given.encode(), key.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Sign in with the admin key.",
            headers={"WWW-Authenticate": 'Basic realm="together support"'},
        )


def _times(pages: WebPages, request: Request) -> dict[str, Any]:
    """Times on staff pages: UK time, with "GMT" or "BST"."""
    language = pages.language(request)
    return {"uk_time": lambda moment: staff_time(moment, language)}


def web_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/unsubscribe/{token}")
    async def unsubscribe_form(
        token: str, request: Request, ctx: ContextDep, pages: PagesDep
    ) -> HTMLResponse:
        """Mail scanners follow links, so the GET only shows a button."""
        claims = ctx.links.read(token)
        if claims is None:
            return pages.render(request, "link_invalid.html", status_code=404)
        contact = await ctx.contacts.get(claims.person_id) if claims.person_id else None
        choice = None if contact is None else ("weekly" if contact.digest else "each")
        return pages.render(request, "unsubscribe.html", {"token": token, "choice": choice})

    @router.post("/preferences/{token}")
    async def choose_invitations(
        token: str,
        request: Request,
        ctx: ContextDep,
        pages: PagesDep,
        invitations: Annotated[Literal["each", "weekly"], Form()],
    ) -> HTMLResponse:
        """How a volunteer wants invitations: one email each, or a weekly digest."""
        claims = ctx.links.read(token)
        weekly = invitations == "weekly"
        if claims is None or claims.person_id is None:
            return pages.render(request, "link_invalid.html", status_code=404)
        if not await digest.choose(claims.person_id, weekly=weekly, ctx=ctx):
            return pages.render(request, "link_invalid.html", status_code=404)
        return pages.render(request, "preferences_saved.html", {"weekly": weekly})

    @router.post("/unsubscribe/{token}")
    async def unsubscribe(
        token: str, request: Request, ctx: ContextDep, pages: PagesDep
    ) -> HTMLResponse:
        """The button, or a mail client's one-click POST (`List-Unsubscribe=One-Click`)."""
        done = await people.unsubscribe(token, correlation_id=current_correlation_id(), ctx=ctx)
        if not done:
            return pages.render(request, "link_invalid.html", status_code=404)
        return pages.render(request, "unsubscribed.html")

    @router.get("/organisers/{token}/people")
    async def who_is_coming(
        token: str, request: Request, ctx: ContextDep, pages: PagesDep, settings: SettingsDep
    ) -> HTMLResponse:
        """The organiser's list of people with a place (signed link from their page in matching):
        first names, and the email of those who agreed to share it; the waitlist as a count."""
        tokens: SiteTokens = request.app.state.site_tokens
        addresses = settings.addresses()
        try:
            event_id = tokens.subject(
                token, SitePurpose.ORGANISER, max_age=ORGANISER_MAX_AGE_SECONDS
            )
        except (TokenExpiredError, TokenInvalidError) as error:
            response = pages.render(
                request,
                "organiser_link_invalid.html",
                {
                    "expired": isinstance(error, TokenExpiredError),
                    "request_url": addresses.url("matching", "/events/manage"),
                },
                status_code=status.HTTP_403_FORBIDDEN,
            )
        else:
            coming = await organisers.who_is_coming(str(event_id), ctx)
            manage = addresses.url("matching", f"/events/manage/{quote(token, safe='')}")
            response = pages.render(
                request, "who_is_coming.html", {"coming": coming, "manage_url": manage}
            )
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @router.get("/support/messages", dependencies=[Depends(support_login)])
    async def support_messages(
        request: Request, ctx: ContextDep, pages: PagesDep, recipient: str = ""
    ) -> HTMLResponse:
        found = await messages_to(recipient, ctx) if recipient.strip() else []
        context = {"messages": found, "recipient": recipient, "dev": False}
        return pages.render(request, "messages.html", {**context, **_times(pages, request)})

    @router.get("/dev/messages")
    async def dev_messages(
        request: Request, ctx: ContextDep, pages: PagesDep, settings: SettingsDep
    ) -> HTMLResponse:
        """Development only: the latest messages with the links they carried."""
        if not settings.dev_pages:
            raise HTTPException(status.HTTP_404_NOT_FOUND)
        found = [_with_links(m) for m in await ctx.messages.recent(limit=MAX_MESSAGES)]
        context = {"messages": found, "recipient": "", "dev": True}
        return pages.render(request, "messages.html", {**context, **_times(pages, request)})

    return router


def _with_links(message: Message) -> dict[str, Any]:
    """The message as the development page shows it, with the links it carried."""
    links = [v for v in message.context.values() if isinstance(v, str) and LINK.fullmatch(v)]
    return {**dataclasses.asdict(message), "links": links}
