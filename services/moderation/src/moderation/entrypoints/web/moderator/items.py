"""One item: reading it (GET) changes nothing; claiming it for ten minutes is a POST, and the
decision forms are shown to whoever holds the claim. Approve (as sent, with redactions, or, for an
item flagged `personal-data`, as sent only with an override and its reason), reject with a reason,
escalate to a lead, release; leads also reassign it, read its audit and withdraw a published item.
Held and escalated items are for leads only: a moderator who opens one by its address gets 403."""

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from moderation.domain.assisted import entry_of
from moderation.domain.decisions import (
    ESCALATE_REASONS,
    REJECT_REASONS,
    DecisionError,
    LeadRequiredError,
    Reason,
)
from moderation.domain.items import Item, ItemNotFoundError, Kind, Status, TranscriptMissingError
from moderation.domain.queue import QueueFilter
from moderation.domain.security_log import Outcome, SecurityAction
from moderation.entrypoints.web.labels import REASONS
from moderation.entrypoints.web.moderator.queue import queue_filter
from moderation.entrypoints.web.moderator.security import (
    ForbiddenError,
    LeadDep,
    LeadPostedDep,
    Me,
    MeDep,
    PostedDep,
    form_of,
)
from moderation.entrypoints.web.moderator.ui import ModeratorUI, clock_text, ui_of
from moderation.entrypoints.web.moderator.views import item_view, reason_options
from moderation.handlers import decisions
from moderation.handlers.moderators import reassign
from moderation.handlers.security_log import record_security_event

Decide = Callable[[FormData], Awaitable[object]]
FOR_LEADS_ONLY = "Held and escalated items are for lead moderators only."
REASONED: dict[str, tuple[frozenset[Reason], str]] = {
    "reject": (REJECT_REASONS, "Choose a reason to reject this item."),
    "escalate": (ESCALATE_REASONS, "Choose a reason to escalate this item."),
}
"""The decisions taken with a reason: the reasons each allows, and what a form without one is told."""
PUBLISHED_PAGE = 50


async def next_item(ui: ModeratorUI, me: Me, current: UUID) -> str | None:
    """The oldest other open item this moderator could open now."""
    now = ui.now()
    query: QueueFilter = queue_filter(me, kind="", flag="", region="", age="")
    for item in await ui.ctx.items.queue(query, now=now, limit=10):
        held = item.claim is not None and item.claim.held_by_another(me.account.moderator, now)
        if item.id != current and not held:
            return str(item.id)
    return None


router = APIRouter()


async def show(
    request: Request,
    me: Me,
    item: Item,
    *,
    conflict: str = "",
    error: str = "",
    reason_error: tuple[str, str] = ("", ""),
    transcript_error: str = "",
    read_only: bool = False,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    ui = ui_of(request)
    now, moderator = ui.now(), me.account.moderator
    claim = item.claim
    theirs = claim is not None and claim.held_by_another(moderator, now)
    mine = claim is not None and claim.moderator == moderator.name and now < claim.until
    if theirs and claim is not None and not (conflict or read_only):
        conflict = f"{claim.moderator} is working on this until {clock_text(claim.until)}."
    allowed = item.open and not read_only and (me.account.is_lead or not item.for_leads)
    context: dict[str, Any] = {
        **item_view(item),
        "conflict": conflict,
        "error": error,
        "claim_until": clock_text(claim.until) if claim else "",
        "read_only": read_only,
        "may_claim": allowed and not theirs and not mine,
        "may_decide": allowed and mine and not conflict,
        "may_withdraw": me.account.is_lead and item.withdrawable,
        "personal_data": item.personal_data,
        "reject_reasons": reason_options(REJECT_REASONS),
        "escalate_reasons": reason_options(ESCALATE_REASONS),
        "reason_error": {name: "" for name in REASONED} | dict([reason_error]),
        "reason_words": REASONS,
        "next_id": await next_item(ui, me, item.id),
        "is_story": item.kind is Kind.STORY,
        "is_listing": item.kind is Kind.LISTING,
        "is_recording": item.kind is Kind.RECORDING,
        "entry": entry_of(item.extra),
        "transcript_error": transcript_error,
        "may_redact": item.kind not in (Kind.LISTING, Kind.STATEMENT),
    }
    return ui.render(request, "moderator/item.html", context, me=me, status_code=status_code)


async def found(request: Request, item_id: UUID) -> Item:
    item = await ui_of(request).ctx.items.get(item_id)
    if item is None:
        raise ItemNotFoundError(item_id)
    return item


async def shown_to(request: Request, me: Me, item_id: UUID) -> Item:
    """The item, if this moderator may see it: held and escalated ones are for leads."""
    item = await found(request, item_id)
    if item.for_leads and not me.account.is_lead:
        raise ForbiddenError(FOR_LEADS_ONLY)
    return item


@router.get("/items/{item_id}")
async def open_item(request: Request, item_id: UUID, me: MeDep) -> HTMLResponse:
    """Show the item; reading claims nothing (link scanners and prefetches change nothing)."""
    return await show(request, me, await shown_to(request, me, item_id))


@router.post("/items/{item_id}/claim")
async def claim(request: Request, item_id: UUID, me: PostedDep) -> Response:
    """Work on the item: claim it for ten minutes (renewed if it is yours already)."""
    ui = ui_of(request)
    try:
        await decisions.claim(item_id, me.account.moderator, ctx=ui.ctx)
    except LeadRequiredError as refused:
        raise ForbiddenError(FOR_LEADS_ONLY) from refused
    except DecisionError as refused:
        item = await shown_to(request, me, item_id)
        return await show(
            request, me, item, error=str(refused), status_code=status.HTTP_409_CONFLICT
        )
    return ui.see_other(request, f"/items/{item_id}")


async def decided(
    request: Request,
    me: Me,
    item_id: UUID,
    decide: Decide,
    *,
    done: str,
    reasoned: str = "",
) -> Response:
    """`decide` with the posted form; a `reasoned` decision ("reject", "escalate") without
    one of its reasons goes back to the item with a message by the reason (422)."""
    form = await form_of(request)
    if reasoned and _text(form, "reason") not in REASONED[reasoned][0]:
        message = REASONED[reasoned][1]
        item = await shown_to(request, me, item_id)
        return await show(
            request,
            me,
            item,
            error=message,
            reason_error=(reasoned, message),
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    try:
        await decide(form)
    except LeadRequiredError as refused:
        raise ForbiddenError(str(refused)) from refused
    except TranscriptMissingError as missing:
        item = await shown_to(request, me, item_id)
        return await show(
            request,
            me,
            item,
            error=str(missing),
            transcript_error=str(missing),
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    except (DecisionError, ValueError) as refused:
        item = await shown_to(request, me, item_id)
        return await show(
            request, me, item, error=str(refused), status_code=status.HTTP_409_CONFLICT
        )
    return ui_of(request).see_other(request, f"?done={done}")


@router.post("/items/{item_id}/approve")
async def approve(request: Request, item_id: UUID, me: PostedDep) -> Response:
    async def decide(form: FormData) -> object:
        edited = "text" in form
        return await decisions.approve(
            item_id,
            me.account.moderator,
            ctx=ui_of(request).ctx,
            redacted_text=_text(form, "text") if edited else None,
            redacted_title=_text(form, "title") if edited else None,
            note=_text(form, "note"),
            override=_text(form, "override") if "override" in form else "",
        )

    return await decided(request, me, item_id, decide, done="approved")


@router.post("/items/{item_id}/withdraw")
async def withdraw(request: Request, item_id: UUID, me: LeadPostedDep) -> Response:
    """Take a published story or listing down (leads), with a reason kept in the audit."""
    form = await form_of(request)
    ui = ui_of(request)

    async def log(outcome: Outcome) -> None:
        await record_security_event(
            ui.accounts.security_log,
            at=ui.now(),
            actor=me.account,
            action=SecurityAction.TAKE_DOWN,
            target_id=item_id,
            outcome=outcome,
        )

    try:
        await decisions.withdraw(
            item_id, me.account.moderator, reason=_text(form, "reason"), ctx=ui.ctx
        )
    except DecisionError as refused:
        await log(Outcome.FAILURE)
        item = await found(request, item_id)
        return await show(
            request,
            me,
            item,
            error=str(refused),
            read_only=True,
            status_code=status.HTTP_409_CONFLICT,
        )
    await log(Outcome.SUCCESS)
    return ui.see_other(request, f"/items/{item_id}/audit?done=withdrawn")


@router.post("/items/{item_id}/reject")
async def reject(request: Request, item_id: UUID, me: PostedDep) -> Response:
    return await _reasoned(request, me, item_id, decisions.reject, "reject", done="rejected")


@router.post("/items/{item_id}/escalate")
async def escalate(request: Request, item_id: UUID, me: PostedDep) -> Response:
    return await _reasoned(request, me, item_id, decisions.escalate, "escalate", done="escalated")


async def _reasoned(
    request: Request,
    me: Me,
    item_id: UUID,
    decision: Callable[..., Awaitable[Item]],
    reasoned: str,
    *,
    done: str,
) -> Response:
    """A decision that takes a reason from the list and a note (rejecting, escalating)."""

    async def decide(form: FormData) -> object:
        return await decision(
            item_id,
            me.account.moderator,
            reason=Reason(_text(form, "reason")),
            note=_text(form, "note"),
            ctx=ui_of(request).ctx,
        )

    return await decided(request, me, item_id, decide, done=done, reasoned=reasoned)


@router.post("/items/{item_id}/release")
async def release(request: Request, item_id: UUID, me: PostedDep) -> Response:
    ui = ui_of(request)
    await decisions.release(item_id, me.account.moderator, ctx=ui.ctx)
    return ui.see_other(request, "?done=released")


@router.post("/items/{item_id}/reassign")
async def reassign_item(request: Request, item_id: UUID, me: LeadPostedDep) -> Response:
    ui = ui_of(request)
    await reassign(item_id, ctx=ui.ctx)
    return ui.see_other(request, f"/items/{item_id}/audit?done=reassigned")


@router.get("/published")
async def published(
    request: Request, me: LeadDep, page: int = Query(1, ge=1, le=10_000)
) -> HTMLResponse:
    """What is public now, for leads to find an item to take down: stories newest first,
    and approved listings."""
    ui = ui_of(request)
    stories, total = await ui.ctx.items.published(
        theme=None, region=None, limit=PUBLISHED_PAGE, offset=(page - 1) * PUBLISHED_PAGE
    )
    approved = QueueFilter(kind=Kind.LISTING, statuses=frozenset({Status.APPROVED}))
    listings = await ui.ctx.items.queue(approved, now=ui.now(), limit=PUBLISHED_PAGE)
    context = {
        "stories": stories,
        "listings": listings,
        "page": page,
        "more": total > page * PUBLISHED_PAGE,
    }
    return ui.render(request, "moderator/published.html", context, me=me)


@router.get("/items/{item_id}/audit")
async def audit(request: Request, item_id: UUID, me: LeadDep) -> HTMLResponse:
    """The item without claiming it, with its decisions and a way to free its claim."""
    return await show(request, me, await found(request, item_id), read_only=True)


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.replace("\r\n", "\n") if isinstance(value, str) else ""
