"""What every page route of matching needs: render, translate, redirect, and refuse floods politely."""

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData
from together_kit.web import WebPages

from matching.domain.availability import LONDON
from matching.entrypoints.web.labels import Translate


def when(moment: datetime) -> str:
    """A time as people in Britain read it: `06/03/2027 12:00`, in London time."""
    return moment.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


RateLimit = Callable[..., Awaitable[None]]

MAX_FORM_FIELDS = 64
"""More than the event form's fields and ticks together; a larger form is not from our pages."""


class Site:
    def __init__(self, pages: WebPages, *, submit_limit: RateLimit) -> None:
        self.pages = pages
        self.submit_limit = submit_limit

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = status.HTTP_200_OK,
    ) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        shared = {"root": root, "when": when}
        return self.pages.render(
            request, template, {**shared, **(context or {})}, status_code=status_code
        )

    def translator(self, request: Request) -> Translate:
        language = self.pages.language(request)
        catalogues = self.pages.catalogues
        return lambda message: catalogues.gettext(language, message)

    def translated(self, request: Request, messages: Mapping[str, str]) -> dict[str, str]:
        translate = self.translator(request)
        return {field: translate(message) for field, message in messages.items()}

    @staticmethod
    def see_other(request: Request, path: str) -> RedirectResponse:
        """Post/redirect/get: a refresh of the next page never sends the form again."""
        location = request.scope.get("root_path", "") + path
        return RedirectResponse(location, status_code=status.HTTP_303_SEE_OTHER)

    async def over_limit(self, request: Request) -> HTMLResponse | None:
        """A page asking the client to wait, if it has sent the event form too often."""
        try:
            await self.submit_limit(request)
        except HTTPException as error:
            if error.status_code != status.HTTP_429_TOO_MANY_REQUESTS:
                raise
            seconds = (error.headers or {}).get("Retry-After", "60")
            page = self.render(
                request, "too_many.html", {"seconds": seconds}, status_code=error.status_code
            )
            page.headers["Retry-After"] = seconds
            return page
        return None

    @staticmethod
    async def form(request: Request) -> FormData:
        return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
