"""Public web pages of matching (server-rendered, English and Welsh, working without JavaScript).

Each module's `router` takes what it needs from the app (`entrypoints.dependencies`): the `Site`
that renders pages and keeps the forms' rate limit, the handlers' context, the gap map's districts.
"""

from fastapi import APIRouter
from together_kit.web.pages import RateLimit, Site
from together_kit.web.rendering import WebPages

from matching.entrypoints.web import calls, gaps, helping, links, listing, mine, organiser
from matching.entrypoints.web.dates import span, when


def site_of(pages: WebPages, *, submit_limit: RateLimit) -> Site:
    """The pages' `Site`: templates, the forms' rate limit, and the date formats every page uses."""
    return Site(pages, limit=submit_limit, common={"when": when, "span": span})


router = APIRouter(include_in_schema=False)
for module in (listing, links, organiser, helping, mine, calls, gaps):
    router.include_router(module.router)
