"""Typed FastAPI dependencies of moderation: everything comes from the app built by bootstrap."""

from typing import Annotated

from fastapi import Depends, Request
from together_kit.http.state import from_state
from together_kit.web.pages import Site

from moderation.handlers import Context
from moderation.settings import Settings

ContextDep = Annotated[Context, Depends(from_state("context", Context))]
SettingsDep = Annotated[Settings, Depends(from_state("settings", Settings))]
SiteDep = Annotated[Site, Depends(from_state("site", Site))]
"""The public pages' `Site`: their templates and the rate limit of the story form."""


async def limit_shares(request: Request) -> None:
    """The rate limit on sharing a story (429 with `Retry-After` once a client is over it)."""
    site: Site = request.app.state.site
    await site.limit(request)
