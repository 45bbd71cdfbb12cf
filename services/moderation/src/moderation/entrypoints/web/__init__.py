"""Public web pages of moderation (server-rendered, English and Welsh, working without JavaScript):
the story form and the published stories. The moderator UI lives beside them, not here."""

from fastapi import APIRouter
from together_kit.pages import RateLimit, Site
from together_kit.web import WebPages

from moderation.entrypoints.schemas import MAX_STORY_LENGTH
from moderation.entrypoints.web.reading import story_pages
from moderation.entrypoints.web.sharing import share_pages
from moderation.entrypoints.web.withdrawing import withdraw_pages


def web_router(pages: WebPages, *, share_limit: RateLimit) -> APIRouter:
    site = Site(pages, limit=share_limit, common={"max_story_length": MAX_STORY_LENGTH})
    router = APIRouter(include_in_schema=False)
    for pages_of in (share_pages, withdraw_pages, story_pages):
        router.include_router(pages_of(site))
    return router
