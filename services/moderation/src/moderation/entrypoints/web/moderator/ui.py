"""What every moderator page needs: render with the signed-in moderator and their CSRF token, and
redirect after a POST. The moderator UI is in English; every value is escaped by autoescaping."""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from fastapi import Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from together_kit.web.rendering import WebPages

from moderation.entrypoints.web.moderator.security import PREFIX, Me
from moderation.handlers.context import Context
from moderation.handlers.moderators import Accounts
from moderation.settings import Settings

FLASHES = {
    "approved": "Approved: the item is published.",
    "rejected": "Rejected.",
    "escalated": "Escalated to the lead moderators.",
    "released": "Released: others can open the item now.",
    "reassigned": "The claim is released.",
    "bulk": "Bulk decision made.",
    "password": "Your password is changed.",
    "signed-out": "You are signed out.",
    "account": "The account is changed.",
    "withdrawn": "Withdrawn: the item is no longer published.",
    "opened": "The conversation is open: its page is public now.",
    "host": "The host is invited: send them their link below.",
    "analysed": "The results are found again from every vote so far.",
    "moved": "Moved: the connector is told by email.",
    "entered": "The story is in the queue: a moderator reads it before it is published. "
    "/ Mae'r stori yn y ciw: bydd cymedrolwr yn ei darllen cyn ei chyhoeddi.",
}
"""Messages shown after a redirect, chosen by key so a link cannot put its own words on a page."""
UK = ZoneInfo("Europe/London")
"""Moderators read every time in UK time, marked GMT or BST (times are kept in UTC)."""


class ModeratorUI:
    """What the moderator pages share: the templates, the accounts, the settings and the
    handlers' `Context`, with rendering and redirects under /moderation."""

    def __init__(
        self, pages: WebPages, *, accounts: Accounts, settings: Settings, ctx: Context
    ) -> None:
        self.pages = pages
        self.accounts = accounts
        self.settings = settings
        self.ctx = ctx

    def now(self) -> datetime:
        return self.ctx.clock()

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        me: Me | None = None,
        status_code: int = status.HTTP_200_OK,
    ) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        shared = {
            "root": root,
            "base": root + PREFIX,
            "assets": root + PREFIX + "/static",
            "me": me.account if me else None,
            "csrf": me.csrf if me else "",
            "flash": FLASHES.get(request.query_params.get("done", ""), ""),
            "uk_time": uk_time,
        }
        return self.pages.render(
            request, template, {**shared, **(context or {})}, status_code=status_code
        )

    def missing(self, request: Request, me: Me, *, what: str) -> HTMLResponse:
        """The 404 page for a `what` ("conversation", "connector") no longer or never there."""
        return self.render(
            request,
            "moderator/problem.html",
            {"heading": f"No such {what}", "problem": f"There is no {what} at this address."},
            me=me,
            status_code=status.HTTP_404_NOT_FOUND,
        )

    @staticmethod
    def see_other(request: Request, path: str) -> RedirectResponse:
        location = request.scope.get("root_path", "") + PREFIX + path
        return RedirectResponse(location, status_code=status.HTTP_303_SEE_OTHER)


def ui_of(request: Request) -> ModeratorUI:
    """The `ModeratorUI` of the app (`app.state.moderator_ui`), for a page."""
    return cast(ModeratorUI, request.app.state.moderator_ui)


def age_text(age: timedelta) -> str:
    """An age as a moderator reads it: "3 min", "5 h 20 min", "2 d 4 h"."""
    minutes = max(0, int(age.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def in_uk(moment: datetime) -> datetime:
    """`moment` on UK clocks (a time without a zone is UTC, as the store keeps them)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UK)


def uk_time(moment: datetime, *, seconds: bool = False) -> str:
    """A date and time as a moderator reads it: "Sat 5 Dec 2026, 14:03 GMT"."""
    local = in_uk(moment)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b %Y}, {clock} {local.tzname()}"


def clock_text(moment: datetime) -> str:
    """A time later today, in UK time: "14:03 BST"."""
    local = in_uk(moment)
    return f"{local:%H:%M} {local.tzname()}"
