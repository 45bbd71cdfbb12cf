"""Typed FastAPI dependencies of signups: everything comes from the app built by bootstrap."""

import asyncio
from typing import Annotated

from fastapi import Depends, Request, Security
from together_kit.http.ratelimit import begin_check
from together_kit.http.security import admin_key_header, require_admin_key
from together_kit.http.state import from_state
from together_kit.web.pages import RateLimit, Site

from signups.handlers import Context
from signups.settings import Settings

ContextDep = Annotated[Context, Depends(from_state("context", Context))]
SettingsDep = Annotated[Settings, Depends(from_state("settings", Settings))]
SiteDep = Annotated[Site, Depends(from_state("site", Site))]


async def join_limit(request: Request) -> None:
    """429 for a client that has joined (or asked for a link) too often: `app.state.join_limit`,
    shared by the API and the forms."""
    limit: RateLimit = request.app.state.join_limit
    await limit(request)


async def join_check(request: Request) -> "asyncio.Future[None]":
    """`join_limit`'s check begun at once and answered later (`begin_check`): every request is
    counted, valid or not, and the route awaits the answer beside its first store write."""
    limit: RateLimit = request.app.state.join_limit
    return begin_check(limit, request)


JoinCheckDep = Annotated["asyncio.Future[None]", Depends(join_check)]


def admin_only(
    settings: SettingsDep, presented: Annotated[str | None, Security(admin_key_header)]
) -> None:
    """401 unless the request carries the configured admin key (`X-API-Key`)."""
    require_admin_key(settings.admin_api_key)(presented)
