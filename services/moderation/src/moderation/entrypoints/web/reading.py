"""Published stories (/stories and /stories/{id}): approved, redacted, always escaped."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse
from together_kit.web import uk_map
from together_kit.web.i18n import Translate
from together_kit.web.labels import label, options

from moderation.domain.items import Kind, Status
from moderation.entrypoints.api import story_page
from moderation.entrypoints.dependencies import ContextDep, SettingsDep, SiteDep
from moderation.entrypoints.schemas import StoryPublic
from moderation.entrypoints.web import labels, region_map


@dataclass(frozen=True)
class ShownStory:
    id: str
    title: str
    prompt: str
    paragraphs: list[str]
    name: str | None
    region: str
    language: str


def shown(story: StoryPublic, translate: Translate) -> ShownStory:
    return ShownStory(
        id=str(story.id),
        title=story.title,
        prompt=label(labels.PROMPTS, story.prompt, translate),
        paragraphs=[line for line in story.text.splitlines() if line.strip()],
        name=story.name,
        region=label(labels.REGIONS, story.region, translate),
        language=story.language,
    )


router = APIRouter()


@router.get("/stories")
async def stories(
    request: Request,
    ctx: ContextDep,
    site: SiteDep,
    settings: SettingsDep,
    theme: str = Query("", max_length=20),
    region: str = Query("", max_length=40),
    page: int = Query(1, ge=1, le=10_000),
) -> HTMLResponse:
    translate = site.translator(request)
    chosen = theme if theme in labels.PROMPTS else ""
    found = await story_page(
        ctx,
        theme=chosen or None,
        region=region or None,
        page=page,
        per_page=settings.stories_per_page,
    )
    context = {
        "stories": [shown(story, translate) for story in found.stories],
        "prompts": options(labels.PROMPTS, translate),
        "theme": chosen,
        "region": region,
        **paging(page, total=found.total, per_page=found.per_page, theme=chosen, region=region),
    }
    return site.render(request, "stories.html", context)


@router.get("/stories/themes")
async def story_themes(request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    """What people wrote about, per question: the themes found in the published stories, and a
    map of each nation and region's leading theme."""
    translate = site.translator(request)
    found = await ctx.talk.themes_found() if ctx.talk else None
    prompts = []
    for prompt in (found or {}).get("prompts", []):
        largest = max((theme["size"] for theme in prompt["themes"]), default=0) or 1
        prompts.append(
            {
                **prompt,
                "label": label(labels.PROMPTS, prompt["prompt"], translate),
                "themes": [
                    {
                        **theme,
                        "width": round(theme["size"] / largest * THEME_BAR_WIDTH, 1),
                        "regions": [
                            (label(labels.REGIONS, region, translate), count)
                            for region, count in list(theme["regions"].items())[:3]
                        ],
                    }
                    for theme in prompt["themes"]
                ],
                "map": region_map.themes_map(prompt["themes"], translate=translate),
            }
        )
    context = {
        "found": found,
        "prompts": prompts,
        "bar_width": THEME_BAR_WIDTH,
        "outline": uk_map.outline(),
        "region_view": region_map.VIEW,
        "region_radius": region_map.RADIUS,
    }
    return site.render(request, "stories_themes.html", context)


THEME_BAR_WIDTH = 240


def paging(page: int, *, total: int, per_page: int, **query: str) -> dict[str, Any]:
    """What `_pages.html` needs: the page, the last one, and links to the pages either side
    that keep the filters in `query` (empty ones left out)."""
    last = max(1, -(-total // per_page))

    def page_url(number: int) -> str:
        kept = {**query, "page": str(number)}
        return "?" + urlencode({k: v for k, v in kept.items() if v})

    return {
        "page": page,
        "last_page": last,
        "previous_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < last else None,
    }


@router.get("/stories/{story_id}")
async def story(request: Request, story_id: UUID, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    item = await ctx.items.get(story_id)
    if item is None or item.kind is not Kind.STORY or item.status is not Status.APPROVED:
        return site.render(request, "story_missing.html", status_code=status.HTTP_404_NOT_FOUND)
    one = shown(StoryPublic.of(item), site.translator(request))
    return site.render(request, "story.html", {"story": one})
