"""Public web pages of matching (server-rendered, English and Welsh, working without JavaScript)."""

from fastapi import APIRouter
from together_kit.pages import RateLimit, Site
from together_kit.web import WebPages

from matching.entrypoints.web.dates import span, when
from matching.entrypoints.web.gaps import Localities, gap_pages
from matching.entrypoints.web.helping import help_pages
from matching.entrypoints.web.links import link_pages
from matching.entrypoints.web.listing import listing_pages
from matching.entrypoints.web.mine import my_events_pages
from matching.entrypoints.web.organiser import organiser_pages


def web_router(pages: WebPages, *, submit_limit: RateLimit, localities: Localities) -> APIRouter:
    site = Site(pages, limit=submit_limit, common={"when": when, "span": span})
    router = APIRouter(include_in_schema=False)
    for pages_of in (listing_pages, link_pages, organiser_pages, help_pages, my_events_pages):
        router.include_router(pages_of(site))
    router.include_router(gap_pages(site, localities=localities))
    return router
