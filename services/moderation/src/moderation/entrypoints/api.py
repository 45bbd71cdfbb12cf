"""JSON API of moderation's public side: share a story, read published ones."""

from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, status
from together_contracts.stories import Prompt
from together_kit.http.idempotency import OnceDep, StoredResponse
from together_kit.http.middleware import TOO_LARGE, current_correlation_id
from together_kit.http.ratelimit import TOO_MANY

from moderation.domain.items import Kind, Status
from moderation.domain.regions import InvalidRegionError, normalise_region
from moderation.entrypoints.dependencies import (
    ContextDep,
    SettingsDep,
    limit_shares,
)
from moderation.entrypoints.schemas import (
    StoryCreate,
    StoryPage,
    StoryPublic,
    StoryReceived,
)
from moderation.handlers.context import Context
from moderation.handlers.stories import SubmitStory, submit_story

Theme = Query(None, description="Only stories answering this prompt")
RegionQuery = Query(None, max_length=40, description="A nation, region or postcode district")


router = APIRouter(prefix="/api/v1", tags=["stories"])


@router.post(
    "/stories",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limit_shares)],
    responses={**TOO_LARGE, **TOO_MANY},
)
async def create_story(
    body: StoryCreate,
    ctx: ContextDep,
    once: OnceDep,
) -> StoryReceived:
    """Share a story. It is screened and read by a moderator before it can be published."""

    async def run() -> StoredResponse:
        submitted = await submit_story(command(body, current_correlation_id()), ctx)
        received = StoryReceived(id=submitted.story_id)
        return StoredResponse(201, received.model_dump(mode="json"))

    return await once.run("stories", run)  # type: ignore[return-value]


@router.get("/stories")
async def list_stories(
    ctx: ContextDep,
    settings: SettingsDep,
    theme: Prompt | None = Theme,
    region: str | None = RegionQuery,
    page: int = Query(1, ge=1, le=10_000),
) -> StoryPage:
    """Published stories, newest first: approved, redacted, with only the name the author chose."""
    return await story_page(
        ctx, theme=theme, region=region, page=page, per_page=settings.stories_per_page
    )


@router.get("/stories/{story_id}", responses={404: {"description": "No such published story"}})
async def read_story(story_id: UUID, ctx: ContextDep) -> StoryPublic:
    """One published story."""
    item = await ctx.items.get(story_id)
    if item is None or item.kind is not Kind.STORY or item.status is not Status.APPROVED:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such published story.")
    return StoryPublic.of(item)


def command(body: StoryCreate, correlation_id: str) -> SubmitStory:
    return SubmitStory(
        prompt=body.prompt,
        title=body.title,
        text=body.text,
        region=body.region,
        consent_to_publish=body.consent_to_publish,
        correlation_id=correlation_id,
        language=body.language,
        author_name=body.name,
        author_email=body.email,
        notify_outcome=body.notify_outcome,
    )


async def story_page(
    ctx: Context, *, theme: str | None, region: str | None, page: int, per_page: int
) -> StoryPage:
    """One page of published stories; an unknown region finds none."""
    try:
        region_key = normalise_region(region) if region and region.strip() else None
    except InvalidRegionError:
        return StoryPage(page=page, per_page=per_page, total=0, stories=[])
    items, total = await ctx.items.published(
        theme=theme, region=region_key, limit=per_page, offset=(page - 1) * per_page
    )
    stories = [StoryPublic.of(item) for item in items]
    return StoryPage(page=page, per_page=per_page, total=total, stories=stories)
