"""Public web pages of moderation (server-rendered, English and Welsh, working without JavaScript):
the story form and the published stories, the thank-you wall and its day. The moderator UI lives beside them, not here."""

from fastapi import APIRouter
from together_kit.web.pages import RateLimit, Site
from together_kit.web.rendering import WebPages

from moderation.entrypoints.schemas import MAX_STORY_LENGTH
from moderation.entrypoints.web import (
    hosting,
    reading,
    sharing,
    talking,
    thanking,
    withdrawing,
)


def public_site(pages: WebPages, *, share_limit: RateLimit) -> Site:
    """The `Site` the public pages render with (bootstrap keeps it as `app.state.site`)."""
    return Site(pages, limit=share_limit, common={"max_story_length": MAX_STORY_LENGTH})


router = APIRouter(include_in_schema=False)
PAGES = (sharing, withdrawing, reading, talking, hosting, thanking)
"""In this order: the withdraw link's route before /stories/{id}."""
for module in PAGES:
    router.include_router(module.router)
