"""JSON API of the thank-you wall (issue 22): post a thank-you, read the approved ones."""

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status
from together_contracts.thanks import Worker
from together_kit.http.idempotency import OnceDep, StoredResponse
from together_kit.http.middleware import TOO_LARGE, current_correlation_id
from together_kit.http.ratelimit import TOO_MANY

from moderation.domain.items import Kind, Status
from moderation.entrypoints.dependencies import ContextDep, SettingsDep, limit_shares
from moderation.entrypoints.thanks_schemas import (
    ThanksCreate,
    ThanksPage,
    ThanksPublic,
    ThanksReceived,
)
from moderation.handlers.context import Context
from moderation.handlers.thanks import PostThanks, post_thanks

NationQuery = Literal["England", "Northern Ireland", "Scotland", "Wales"]

NationFilter = Query(None, description="Only thanks from this nation")
WorkerFilter = Query(None, description="Only thanks to this kind of worker")

router = APIRouter(prefix="/api/v1", tags=["thanks"])


@router.post(
    "/thanks",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limit_shares)],
    responses={**TOO_LARGE, **TOO_MANY},
)
async def create_thanks(body: ThanksCreate, ctx: ContextDep, once: OnceDep) -> ThanksReceived:
    """Thank key workers or neighbours. It is screened and read by a moderator before it is
    published on the wall."""

    async def run() -> StoredResponse:
        item = await post_thanks(command(body, current_correlation_id()), ctx)
        return StoredResponse(201, ThanksReceived(id=item.id).model_dump(mode="json"))

    return await once.run("thanks", run)  # type: ignore[return-value]


@router.get("/thanks")
async def list_thanks(
    ctx: ContextDep,
    settings: SettingsDep,
    nation: NationQuery | None = NationFilter,
    worker: Worker | None = WorkerFilter,
    page: int = Query(1, ge=1, le=10_000),
) -> ThanksPage:
    """Published thanks, newest first: approved, redacted, with only the name the author chose."""
    return await thanks_page(
        ctx, nation=nation, worker=worker, page=page, per_page=settings.stories_per_page
    )


def command(body: ThanksCreate, correlation_id: str) -> PostThanks:
    return PostThanks(
        who=body.who,
        worker=body.worker,
        what_for=body.what_for,
        region=body.region,
        correlation_id=correlation_id,
        language=body.language,
        author_name=body.name,
        author_email=body.email,
        notify_outcome=body.notify_outcome,
    )


async def thanks_page(
    ctx: Context, *, nation: str | None, worker: str | None, page: int, per_page: int
) -> ThanksPage:
    items, total = await ctx.items.published_thanks(
        nation=nation, worker=worker, limit=per_page, offset=(page - 1) * per_page
    )
    found = [ThanksPublic.of(item) for item in items]
    return ThanksPage(page=page, per_page=per_page, total=total, thanks=found)


async def published(thanks_id: UUID, ctx: Context) -> ThanksPublic | None:
    """One approved thank-you, or None."""
    item = await ctx.items.get(thanks_id)
    if item is None or item.kind is not Kind.THANKS or item.status is not Status.APPROVED:
        return None
    return ThanksPublic.of(item)
