"""The author takes their published story down (/stories/withdraw/{token}), through the signed
link in the "published" email. The GET shows what will be withdrawn and a button; only the POST
withdraws, so a mail scanner that follows the link changes nothing."""

from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse
from together_kit.http.middleware import current_correlation_id
from together_kit.signing import TokenExpiredError, TokenInvalidError
from together_kit.web.pages import Site

from moderation.domain.items import Kind
from moderation.entrypoints.dependencies import ContextDep, SiteDep
from moderation.entrypoints.schemas import StoryPublic
from moderation.entrypoints.web.reading import shown
from moderation.handlers.context import Context
from moderation.handlers.stories import withdraw_own_story

MAX_TOKEN_LENGTH = 400
PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
"""The address holds the author's token: never sent on as a referrer, never kept by a cache."""


def private(response: HTMLResponse) -> HTMLResponse:
    response.headers.update(PRIVATE)
    return response


router = APIRouter()


def refused(request: Request, site: Site, problem: str) -> HTMLResponse:
    return private(
        site.render(
            request,
            "story_withdraw_refused.html",
            {"problem": problem},
            status_code=status.HTTP_404_NOT_FOUND if problem == "invalid" else 410,
        )
    )


def story_of(token: str, ctx: Context) -> UUID | str:
    """The story the token names, or why it does not work ("expired" or "invalid")."""
    if ctx.links is None or len(token) > MAX_TOKEN_LENGTH:
        return "invalid"
    try:
        return ctx.links.withdrawn_story(token)
    except TokenExpiredError:
        return "expired"
    except TokenInvalidError:
        return "invalid"


@router.get("/stories/withdraw/{token}")
async def withdraw_form(
    request: Request, token: str, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    story_id = story_of(token, ctx)
    if isinstance(story_id, str):
        return refused(request, site, story_id)
    item = await ctx.items.get(story_id)
    if item is None or item.kind is not Kind.STORY or not item.withdrawable:
        return private(site.render(request, "story_withdrawn.html", {"already": True}))
    story = shown(StoryPublic.of(item), site.translator(request))
    context = {"story": story, "token": token}
    return private(site.render(request, "story_withdraw.html", context))


@router.post("/stories/withdraw/{token}")
async def withdraw(request: Request, token: str, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    story_id = story_of(token, ctx)
    if isinstance(story_id, str):
        return refused(request, site, story_id)
    taken_down = await withdraw_own_story(
        story_id,
        correlation_id=current_correlation_id(),
        ctx=ctx,
    )
    return private(site.render(request, "story_withdrawn.html", {"already": not taken_down}))
