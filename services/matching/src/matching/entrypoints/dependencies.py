"""Typed FastAPI dependencies of matching: everything comes from the app built by bootstrap."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from together_kit.http.state import from_state
from together_kit.web.pages import Site

from matching.domain.areas import Locality
from matching.handlers import Context
from matching.settings import Settings

ContextDep = Annotated[Context, Depends(from_state("context", Context))]
SettingsDep = Annotated[Settings, Depends(from_state("settings", Settings))]
SiteDep = Annotated[Site, Depends(from_state("site", Site))]


def localities(request: Request) -> dict[str, Locality]:
    """The gap map's districts (names, nations and regions), when the geocoder's table has them."""
    known: Callable[[], dict[str, Locality]] = request.app.state.localities
    return known()


LocalitiesDep = Annotated[dict[str, Locality], Depends(localities)]


async def within_submit_limit(request: Request) -> None:
    """Answers 429 with `Retry-After` to a client that submits listings too often (the same
    limit the site's forms keep, `Site.limit`)."""
    site: Site = request.app.state.site
    await site.limit(request)
