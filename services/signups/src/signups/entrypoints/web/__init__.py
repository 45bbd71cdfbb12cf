"""Public web pages of signups (server-rendered, English and Welsh, working without JavaScript)."""

from fastapi import APIRouter
from together_kit.pages import RateLimit, Site
from together_kit.web import WebPages

from signups.entrypoints.web.forgetting import forget_pages
from signups.entrypoints.web.home import home_pages
from signups.entrypoints.web.joining import join_pages
from signups.entrypoints.web.links import link_pages
from signups.entrypoints.web.mine import my_pages
from signups.entrypoints.web.pledges import pledge_pages


def web_router(pages: WebPages, *, join_limit: RateLimit) -> APIRouter:
    site = Site(pages, limit=join_limit)
    router = APIRouter(include_in_schema=False)
    for pages_of in (home_pages, join_pages, link_pages, forget_pages, pledge_pages, my_pages):
        router.include_router(pages_of(site))
    return router
