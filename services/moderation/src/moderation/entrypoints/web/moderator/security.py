"""Who is signed in, what they may reach, and the checks every moderator POST passes.

- The session cookie is HttpOnly, SameSite=Lax, scoped to /moderation, and Secure on HTTPS (or
  always, with `MODERATION_MODERATOR_SECURE_COOKIES`).
- Every POST must come from our own origin and, once signed in, carry the session's CSRF token as
  the form field `csrf`; otherwise 403. The origin is the browser's `Sec-Fetch-Site` where it
  sends one, then `Origin`, then `Referer`. Pages send no referrer at all, so a browser's form
  POST says `Origin: null`; that passes only with `Sec-Fetch-Site: same-origin`.
- Every response under /moderation carries a strict Content-Security-Policy (no inline script or
  style), nosniff, no referrer and no caching. Forms post only to this site, except where a page
  names another origin its forms are redirected to (`allow_form_redirect`: the assisted page's
  forms end at signups).
"""

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from moderation.domain.decisions import Role
from moderation.domain.moderators import Account
from moderation.domain.sessions import Session
from moderation.handlers.moderators import Accounts
from moderation.handlers.sign_in import pending, signed_in

PREFIX = "/moderation"
COOKIE = "moderation_session"
CSRF_FIELD = "csrf"
MAX_FORM_FIELDS = 256
SAME_SITE_FETCHES = {"same-origin", "none"}
"""`Sec-Fetch-Site` values of a request made by our own page, or typed by the person."""
UNLOCKED = {"password", "logout"}
"""What an account with a temporary password may reach before choosing its own."""
CONNECTORS = "/connectors"
"""Where a coordinator's pages are, under PREFIX."""
ASSISTED = "/assisted"
"""Where a staff member's pages are, under PREFIX."""
HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
}


class NotSignedInError(Exception):
    """Answered with a redirect to the sign-in page (or to the password page, `to`)."""

    def __init__(self, to: str = "/login") -> None:
        super().__init__(to)
        self.to = to


class ForbiddenError(Exception):
    """Answered with 403: a cross-site or token-less POST, or a moderator on a lead's page."""


@dataclass(frozen=True)
class Me:
    account: Account
    session: Session

    @property
    def csrf(self) -> str:
        return self.session.csrf


FORM_TARGETS = "moderator_form_targets"
"""Where a page keeps (in the request's state) the other origins its forms may be redirected to."""


def allow_form_redirect(request: Request, url: str) -> None:
    """Let this page's forms be redirected to `url`'s origin (CSP `form-action` covers the
    redirect after a POST too: without this the browser stops at the redirect)."""
    origin = _origin_of(url)
    if origin and origin != "null":
        setattr(request.state, FORM_TARGETS, [*getattr(request.state, FORM_TARGETS, []), origin])


def _headers(scope: Scope) -> dict[str, str]:
    targets = scope.get("state", {}).get(FORM_TARGETS, [])
    if not targets:
        return HEADERS
    policy = HEADERS["content-security-policy"].replace(
        "form-action 'self'", " ".join(["form-action 'self'", *targets])
    )
    return {**HEADERS, "content-security-policy": policy}


class SecurityHeaders:
    """Pure ASGI middleware adding `HEADERS` to every response under /moderation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = _headers(scope)
                names = {name.lower() for name in headers}
                kept = [(k, v) for k, v in message.get("headers", []) if k.decode() not in names]
                added = [(k.encode(), v.encode()) for k, v in headers.items()]
                message = {**message, "headers": kept + added}
            await send(message)

        await self.app(scope, receive, with_headers)


def accounts_of(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    secure = request.url.scheme == "https" or request.app.state.settings.moderator_secure_cookies
    response.set_cookie(
        COOKIE,
        session.token,
        max_age=int(session.lifetime.total_seconds()),
        path=request.scope.get("root_path", "") + PREFIX,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        COOKIE, path=request.scope.get("root_path", "") + PREFIX, httponly=True, samesite="lax"
    )


async def current(request: Request) -> Me:
    token = request.cookies.get(COOKIE, "")
    found = await signed_in(token, accounts=accounts_of(request)) if token else None
    if found is None:
        raise NotSignedInError
    me = Me(*found)
    if me.account.must_change_password and request.url.path.rsplit("/", 1)[-1] not in UNLOCKED:
        raise NotSignedInError("/password")
    if me.account.role is Role.COORDINATOR and not _within(request, CONNECTORS):
        raise NotSignedInError(CONNECTORS)
    if me.account.role is Role.STAFF and not _within(request, ASSISTED):
        raise NotSignedInError(ASSISTED)
    return me


def _within(request: Request, pages: str) -> bool:
    """A coordinator opens the connectors' pages (a staff member the assisted ones) and their
    own account's, never the queue."""
    page = request.url.path.removeprefix(request.scope.get("root_path", "") + PREFIX)
    return page.startswith(pages) or page.rsplit("/", 1)[-1] in UNLOCKED


async def awaiting_second_factor(request: Request) -> Me:
    """Someone whose password was right, on the enrolment or code page."""
    token = request.cookies.get(COOKIE, "")
    found = await pending(token, accounts=accounts_of(request)) if token else None
    if found is None:
        raise NotSignedInError
    return Me(*found)


async def posted_awaiting_second_factor(request: Request) -> Me:
    check_origin(request)
    me = await awaiting_second_factor(request)
    await _check_csrf(request, me)
    return me


def client_address(request: Request) -> str:
    """The address the sign-in throttle counts (uvicorn has already applied trusted proxies)."""
    return request.client.host if request.client else "unknown"


async def signed_in_coordinator(me: Annotated[Me, Depends(current)]) -> Me:
    if not me.account.is_coordinator:
        raise ForbiddenError("Only coordinators and lead moderators can open this page.")
    return me


async def signed_in_assistant(me: Annotated[Me, Depends(current)]) -> Me:
    if not me.account.assists:
        raise ForbiddenError("Only staff and lead moderators can open this page.")
    return me


async def signed_in_lead(me: Annotated[Me, Depends(current)]) -> Me:
    if not me.account.is_lead:
        raise ForbiddenError("Only lead moderators can open this page.")
    return me


def check_origin(request: Request) -> None:
    """Refuse a POST that a browser says came from another site, or whose Origin (or, lacking one,
    Referer) is not this site."""
    fetched_from = request.headers.get("sec-fetch-site")
    if fetched_from is not None and fetched_from not in SAME_SITE_FETCHES:
        raise ForbiddenError("This form was sent from another site.")
    origin = request.headers.get("origin")
    if origin == "null":
        if fetched_from is None:
            raise ForbiddenError("This form was sent from a page with no origin.")
        return
    claimed = origin or _origin_of(request.headers.get("referer", ""))
    if claimed is None:
        return
    ours = {f"{request.url.scheme}://{request.headers.get('host', '')}".lower()}
    public = _origin_of(request.app.state.settings.public_base_url)
    if public:
        ours.add(public)
    if claimed.lower() not in ours:
        raise ForbiddenError("This form was sent from another site.")


async def form_of(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)


async def posted(request: Request) -> Me:
    """A signed-in POST from our own page: same origin, and the session's CSRF token."""
    check_origin(request)
    me = await current(request)
    await _check_csrf(request, me)
    return me


async def _check_csrf(request: Request, me: Me) -> None:
    token = (await form_of(request)).get(CSRF_FIELD)
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), me.csrf.encode()):
        raise ForbiddenError("This form has expired or did not come from our pages.")


async def posted_by_lead(me: Annotated[Me, Depends(posted)]) -> Me:
    return await signed_in_lead(me)


async def posted_by_assistant(me: Annotated[Me, Depends(posted)]) -> Me:
    return await signed_in_assistant(me)


async def posted_by_coordinator(me: Annotated[Me, Depends(posted)]) -> Me:
    return await signed_in_coordinator(me)


def _origin_of(url: str) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return "null"
    return f"{parts.scheme}://{parts.netloc}".lower()


MeDep = Annotated[Me, Depends(current)]
LeadDep = Annotated[Me, Depends(signed_in_lead)]
PostedDep = Annotated[Me, Depends(posted)]
LeadPostedDep = Annotated[Me, Depends(posted_by_lead)]
CoordinatorDep = Annotated[Me, Depends(signed_in_coordinator)]
CoordinatorPostedDep = Annotated[Me, Depends(posted_by_coordinator)]
AssistantDep = Annotated[Me, Depends(signed_in_assistant)]
AssistantPostedDep = Annotated[Me, Depends(posted_by_assistant)]
PendingDep = Annotated[Me, Depends(awaiting_second_factor)]
PendingPostedDep = Annotated[Me, Depends(posted_awaiting_second_factor)]
