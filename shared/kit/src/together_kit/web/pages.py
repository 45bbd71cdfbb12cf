"""What every page route of a service needs: render, translate, redirect, and refuse floods politely.

A service builds one `Site` around its `WebPages` and the rate limit of its public forms, and
hands it to its page routers.
"""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from together_kit.web.forms import from_a_bot
from together_kit.web.i18n import Translate
from together_kit.web.labels import options
from together_kit.web.rendering import WebPages

RateLimit = Callable[..., Awaitable[None]]

MAX_FORM_FIELDS = 64
"""More than any of our forms' fields and ticks together; a larger form is not from our pages."""

TOO_MANY = "too_many.html"
DEFAULT_RETRY_AFTER = "60"


class Site:
    """Page helpers bound to one service's templates and form rate limit.

    `common` is given to every page, e.g. a date formatter its templates call.
    """

    def __init__(
        self,
        pages: WebPages,
        *,
        limit: RateLimit,
        common: Mapping[str, Any] | None = None,
    ) -> None:
        self.pages = pages
        self.limit = limit
        self.common = dict(common or {})

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = status.HTTP_200_OK,
    ) -> HTMLResponse:
        """`template` with `root` (the app's mount path) and the common values in its context."""
        shared = {"root": request.scope.get("root_path", ""), **self.common}
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
        """A page asking the client to wait, if it has sent the service's forms too often."""
        try:
            await self.limit(request)
        except HTTPException as error:
            if error.status_code != status.HTTP_429_TOO_MANY_REQUESTS:
                raise
            seconds = (error.headers or {}).get("Retry-After", DEFAULT_RETRY_AFTER)
            page = self.render(
                request, TOO_MANY, {"seconds": seconds}, status_code=error.status_code
            )
            page.headers["Retry-After"] = seconds
            return page
        return None

    def form_page(self, template: str, **choices: Mapping[str, str]) -> "FormPage":
        """The page of a form in `template`; each of `choices` becomes `(value, label)` options
        under its name, e.g. `site.form_page("join.html", languages=labels.LANGUAGES)`."""
        return FormPage(self, template, choices)

    @staticmethod
    async def form(request: Request, *, max_fields: int = MAX_FORM_FIELDS) -> FormData:
        """The posted form; files are refused, and so is a form of more than `max_fields`."""
        return await request.form(max_files=0, max_fields=max_fields)

    async def public_form(
        self, request: Request, *, thanks: str, max_fields: int = MAX_FORM_FIELDS
    ) -> FormData | Response:
        """A public form as posted; instead, the page asking a client that posts too often to
        wait, or for a bot (its honeypot filled in) the `thanks` page, as if the form were taken."""
        if refused := await self.over_limit(request):
            return refused
        form = await self.form(request, max_fields=max_fields)
        if from_a_bot(form):
            return self.see_other(request, thanks)
        return form


class FormPage:
    """A form's page: what was entered as `values`, each field's message as `errors` in the
    page's language, and its translated choices; answered 422 when there are errors."""

    def __init__(self, site: Site, template: str, choices: Mapping[str, Mapping[str, str]]) -> None:
        self.site = site
        self.template = template
        self.choices = choices

    def __call__(
        self,
        request: Request,
        values: Mapping[str, Any],
        errors: Mapping[str, str] | None = None,
        *,
        more: Mapping[str, Any] | None = None,
    ) -> HTMLResponse:
        """`more`: what else the page shows beside its form (e.g. counts)."""
        translate = self.site.translator(request)
        context = {
            **(more or {}),
            "values": values,
            "errors": self.site.translated(request, errors or {}),
            **{name: options(labels, translate) for name, labels in self.choices.items()},
        }
        code = status.HTTP_422_UNPROCESSABLE_CONTENT if errors else status.HTTP_200_OK
        return self.site.render(request, self.template, context, status_code=code)
