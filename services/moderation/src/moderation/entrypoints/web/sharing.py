"""The story form (/share) and its thank-you page."""

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from together_kit.http import current_correlation_id

from moderation.entrypoints.api import command
from moderation.entrypoints.dependencies import ContextDep
from moderation.entrypoints.schemas import MAX_STORY_LENGTH, StoryCreate
from moderation.entrypoints.web import forms, labels
from moderation.entrypoints.web.site import Site
from moderation.handlers.stories import submit_story


def share_pages(site: Site) -> APIRouter:
    router = APIRouter()

    def story_form(
        request: Request,
        values: Mapping[str, Any],
        errors: Mapping[str, str] | None = None,
        *,
        status_code: int = status.HTTP_200_OK,
    ) -> HTMLResponse:
        translate = site.translator(request)
        context = {
            "values": values,
            "errors": site.translated(request, errors or {}),
            "prompts": labels.options(labels.PROMPTS, translate),
            "languages": labels.options(labels.LANGUAGES, translate),
            "max_story_length": MAX_STORY_LENGTH,
        }
        return site.render(request, "share.html", context, status_code=status_code)

    @router.get("/share")
    async def share_form(request: Request) -> HTMLResponse:
        return story_form(request, {"language": site.pages.language(request)})

    @router.post("/share")
    async def share(request: Request, ctx: ContextDep) -> Response:
        if refused := await site.over_limit(request):
            return refused
        form = await site.form(request)
        if forms.from_a_bot(form):
            return site.see_other(request, "/share/thanks")
        values = forms.story_input(form)
        story, errors = forms.check(StoryCreate, values, forms.STORY)
        if story is None:
            return story_form(
                request, values, errors, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        await submit_story(command(story, current_correlation_id()), ctx)
        return site.see_other(request, "/share/thanks")

    @router.get("/share/thanks")
    async def share_thanks(request: Request) -> HTMLResponse:
        return site.render(request, "share_thanks.html")

    return router
