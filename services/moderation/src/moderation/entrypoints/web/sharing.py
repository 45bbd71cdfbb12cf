"""The story form (/share) and its thank-you page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from together_kit.http.middleware import current_correlation_id
from together_kit.web.forms import check
from together_kit.web.labels import LANGUAGES
from together_kit.web.pages import FormPage, Site

from moderation.entrypoints.api import command
from moderation.entrypoints.dependencies import ContextDep, SiteDep
from moderation.entrypoints.schemas import StoryCreate
from moderation.entrypoints.web import forms, labels
from moderation.handlers.stories import submit_story

MAX_FORM_FIELDS = 32
"""More than the story form's fields; a larger form is not from our pages."""


router = APIRouter()


def story_form(site: Site) -> FormPage:
    return site.form_page("share.html", prompts=labels.PROMPTS, languages=LANGUAGES)


@router.get("/share")
async def share_form(request: Request, site: SiteDep) -> HTMLResponse:
    return story_form(site)(request, {"language": site.pages.language(request)})


@router.post("/share")
async def share(request: Request, ctx: ContextDep, site: SiteDep) -> Response:
    form = await site.public_form(request, thanks="/share/thanks", max_fields=MAX_FORM_FIELDS)
    if not isinstance(form, FormData):
        return form
    values = forms.story_input(form)
    story, errors = check(StoryCreate, values, forms.STORY)
    if story is None:
        return story_form(site)(request, values, errors)
    await submit_story(command(story, current_correlation_id()), ctx)
    return site.see_other(request, "/share/thanks")


@router.get("/share/thanks")
async def share_thanks(request: Request, site: SiteDep) -> HTMLResponse:
    return site.render(request, "share_thanks.html")
