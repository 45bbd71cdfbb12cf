"""Server-rendered bilingual pages: Jinja templates in the request's language, and their assets.

A service builds one `WebPages` in its composition root with its own template and locale folders
and the site's navigation (`settings.navigation()`); its templates extend the kit's `base.html`,
which draws the navigation on every page, and import the form macros from `macros.html`.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from together_kit.web.i18n import (
    KIT_LOCALES,
    SUPPORTED_LANGUAGES,
    Catalogues,
    negotiate_language,
    supported_language,
)
from together_kit.web.navigation import Navigation

KIT_TEMPLATES = Path(__file__).parent / "templates"
KIT_STATIC = Path(__file__).parent / "static"
STATIC_PATH = "/static"
LANGUAGE_PARAMETER = "lang"
LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
}
"""On every page: should text ever be printed unescaped, the browser still runs no inline script
(pages use only the kit's `site.js`; inline styles stay allowed for the gap finder's map)."""


class WebPages:
    """One Jinja environment per language, so concurrent requests never share a translation."""

    def __init__(
        self, *, templates: Path, navigation: Navigation, locales: Path | None = None
    ) -> None:
        self.navigation = navigation
        folders = (KIT_LOCALES,) if locales is None else (KIT_LOCALES, locales)
        self.catalogues = Catalogues(*folders)
        loader = ChoiceLoader([FileSystemLoader(templates), FileSystemLoader(KIT_TEMPLATES)])
        self._environments = {
            language: self._environment(loader, language) for language in SUPPORTED_LANGUAGES
        }

    def _environment(self, loader: ChoiceLoader, language: str) -> Environment:
        environment = Environment(
            loader=loader,
            autoescape=True,
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
        )
        environment.policies["ext.i18n.trimmed"] = True
        i18n = cast(Any, environment)
        i18n.install_gettext_translations(self.catalogues.translations(language), newstyle=True)
        return environment

    def language(self, request: Request) -> str:
        return negotiate_language(
            query=request.query_params.get(LANGUAGE_PARAMETER),
            cookie=request.cookies.get(LANGUAGE_COOKIE),
            accept_language=request.headers.get("accept-language"),
        )

    def gettext(self, request: Request, message: str, **variables: object) -> str:
        """`message` in the request's language, with `%(name)s` placeholders filled in."""
        translated = self.catalogues.gettext(self.language(request), message)
        return translated % variables if variables else translated

    def render(
        self,
        request: Request,
        template_name: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        language = self.language(request)
        other = next(code for code in SUPPORTED_LANGUAGES if code != language)
        template = self._environments[language].get_template(template_name)
        html = template.render(
            {
                **(context or {}),
                "request": request,
                "site": self.navigation,
                "navigation": self.navigation.links(_page_path(request)),
                "lang": language,
                "other_lang": other,
                "switch_url": _with_language(request, other),
                "static_url": request.scope.get("root_path", "") + STATIC_PATH,
            }
        )
        response = HTMLResponse(
            html,
            status_code=status_code,
            headers={
                "Content-Language": language,
                "Vary": "Accept-Language, Cookie",
                **PAGE_SECURITY_HEADERS,
            },
        )
        if supported_language(request.query_params.get(LANGUAGE_PARAMETER)):
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=LANGUAGE_COOKIE_MAX_AGE,
                path="/",
                samesite="lax",
                httponly=True,
                secure=request.url.scheme == "https",
            )
        return response


def mount_static(app: FastAPI) -> None:
    """Serve the kit's stylesheet and script at `/static`, where `base.html` links them."""
    app.mount(STATIC_PATH, StaticFiles(directory=KIT_STATIC), name="static")


def _page_path(request: Request) -> str:
    """The request's path within the app (without the mount path it is served under)."""
    root: str = request.scope.get("root_path", "")
    path: str = request.scope.get("path", "")
    return path[len(root) :] or "/" if root and path.startswith(root) else path


def _with_language(request: Request, language: str) -> str:
    """The current path and query, with `lang` set to `language` and other parameters kept."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != LANGUAGE_PARAMETER]
    return f"{request.url.path}?{urlencode([*kept, (LANGUAGE_PARAMETER, language)])}"
