"""The moderator UI at /moderation: sign-in, the queue, items, and the leads' pages.

`install` adds it to the app bootstrap builds: its routes, its security headers, its static
scripts (at /moderation/static, since the page policy allows no inline script) and the answers to
"not signed in" (a redirect), "forbidden" (403) and "no such item" (404).
"""

from pathlib import Path

from fastapi import FastAPI, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from together_kit.web.rendering import WebPages

from moderation.domain.items import ItemNotFoundError
from moderation.entrypoints.web.moderator import (
    assisted,
    auth,
    connectors,
    conversations,
    items,
    leads,
    queue,
    recordings,
    reports,
    security_log,
)
from moderation.entrypoints.web.moderator.security import (
    PREFIX,
    ForbiddenError,
    NotSignedInError,
    SecurityHeaders,
)
from moderation.entrypoints.web.moderator.ui import ModeratorUI, ui_of
from moderation.handlers.moderators import Accounts
from moderation.settings import Settings

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, *, pages: WebPages, accounts: Accounts, settings: Settings) -> None:
    app.state.accounts = accounts
    app.state.moderator_ui = ModeratorUI(
        pages, accounts=accounts, settings=settings, ctx=app.state.context
    )
    modules = (auth, queue, items, recordings, leads, conversations, connectors, reports, assisted)
    for module in (*modules, security_log):
        app.include_router(module.router, prefix=PREFIX, include_in_schema=False)
    app.mount(PREFIX + "/static", StaticFiles(directory=STATIC), name="moderator-static")
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(NotSignedInError, _sign_in_first)
    app.add_exception_handler(ForbiddenError, _forbidden)
    app.add_exception_handler(ItemNotFoundError, _no_such_item)


async def _sign_in_first(request: Request, error: Exception) -> Response:
    to = error.to if isinstance(error, NotSignedInError) else "/login"
    location = request.scope.get("root_path", "") + PREFIX + to
    return RedirectResponse(location, status_code=status.HTTP_303_SEE_OTHER)


async def _forbidden(request: Request, error: Exception) -> HTMLResponse:
    return ui_of(request).render(
        request,
        "moderator/problem.html",
        {"heading": "Not allowed", "problem": str(error)},
        status_code=status.HTTP_403_FORBIDDEN,
    )


async def _no_such_item(request: Request, error: Exception) -> HTMLResponse:
    return ui_of(request).render(
        request,
        "moderator/problem.html",
        {"heading": "No such item", "problem": "There is no item with this address."},
        status_code=status.HTTP_404_NOT_FOUND,
    )
