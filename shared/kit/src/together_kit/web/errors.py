"""Error answers by who asked: a page in the site's layout for a browser, the JSON it always was
for an API client.

A request gets the page when its `Accept` header prefers `text/html` to `application/json` (a
browser's does) and its path is not under `/api/`; anything else gets the answer the API gave
before pages existed, unchanged. Pages say what happened in the reader's language (English or
Welsh), lead home, and never show a traceback or an exception's text.
"""

from collections.abc import Mapping

from fastapi import Request, Response
from fastapi.responses import PlainTextResponse

from together_kit.web.navigation import Navigation
from together_kit.web.rendering import KIT_TEMPLATES, WebPages

ERROR_TEMPLATE = "error.html"
API_PREFIX = "/api/"
HTML = ("text", "html")
JSON = ("application", "json")


class ErrorPage:
    """What one kind of error says: a heading and a sentence or two (English msgids)."""

    def __init__(self, heading: str, explanation: str) -> None:
        self.heading = heading
        self.explanation = explanation


NOT_FOUND = ErrorPage(
    "Page not found",
    "There is no page at this address. If you typed it, check it is right; "
    "if you followed a link, it may be out of date.",
)
WRONG_METHOD = ErrorPage(
    "This address cannot be opened like that",
    "This address is for sending a form from its own page, not for opening directly. "
    "Go back to the page and try again.",
)
BAD_LINK = ErrorPage(
    "This link is not right",
    "Part of this link or form is not what the page expects. "
    "If you copied the link, check you copied all of it.",
)
SERVER_ERROR = ErrorPage(
    "Sorry, something went wrong",
    "Something went wrong on our side, not yours. Please try again in a few minutes.",
)
UNAVAILABLE = ErrorPage(
    "Sorry, the service is unavailable",
    "This part of the site cannot reach its records just now. Please try again shortly.",
)
OTHER = ErrorPage(
    "Sorry, that did not work",
    "This page could not be shown. Go back and try again, or start from the home page.",
)
PAGES: Mapping[int, ErrorPage] = {
    404: NOT_FOUND,
    405: WRONG_METHOD,
    422: BAD_LINK,
    500: SERVER_ERROR,
    503: UNAVAILABLE,
}


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not an API path): it prefers HTML to JSON."""
    root = request.scope.get("root_path", "")
    path: str = request.scope.get("path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    if path.startswith(API_PREFIX):
        return False
    return prefers_html(request.headers.get("accept", ""))


def prefers_html(accept: str) -> bool:
    """Whether `accept` weighs `text/html` above `application/json` (a tie is JSON's)."""
    ranges = [_media_range(item) for item in accept.split(",") if item.strip()]
    html, json = _quality(ranges, HTML), _quality(ranges, JSON)
    return html > 0 and html > json


def _media_range(item: str) -> tuple[str, str, float]:
    media, *parameters = item.split(";")
    kind, _, subtype = media.strip().lower().partition("/")
    quality = 1.0
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                quality = 0.0
            if not 0.0 <= quality <= 1.0:
                quality = 0.0
    return kind, subtype or "*", quality


def _quality(ranges: list[tuple[str, str, float]], media: tuple[str, str]) -> float:
    """The weight of the most specific range that matches `media` (RFC 9110, 12.5.1)."""
    best: tuple[int, float] = (-1, 0.0)
    for kind, subtype, quality in ranges:
        if (kind, subtype) == media:
            specificity = 2
        elif kind == media[0] and subtype == "*":
            specificity = 1
        elif (kind, subtype) == ("*", "*"):
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1]


class ErrorPages:
    """The error pages of one service: the kit's `error.html` in the site's layout (with the
    site's navigation), and a link home (the site's front door, wherever it is served)."""

    def __init__(self, *, navigation: Navigation, pages: WebPages | None = None) -> None:
        self.home = navigation.home
        self.pages = pages or WebPages(templates=KIT_TEMPLATES, navigation=navigation)

    def render(
        self, request: Request, status_code: int, headers: Mapping[str, str] | None = None
    ) -> Response:
        page = PAGES.get(status_code, OTHER)
        context = {
            "status_code": status_code,
            "heading": page.heading,
            "explanation": page.explanation,
            "home": self.home,
        }
        try:
            response: Response = self.pages.render(
                request, ERROR_TEMPLATE, context, status_code=status_code
            )
        except Exception:  # a page that cannot be drawn must not hide the error it reports
            response = PlainTextResponse(page.heading, status_code=status_code)
        for name, value in (headers or {}).items():
            response.headers.setdefault(name, value)
        vary(response)
        return response


def vary(response: Response) -> None:
    """The answer depends on `Accept`: caches keep the page and the JSON apart."""
    current = response.headers.get("Vary", "")
    if "accept" not in [name.strip().lower() for name in current.split(",")]:
        response.headers["Vary"] = f"{current}, Accept" if current else "Accept"
