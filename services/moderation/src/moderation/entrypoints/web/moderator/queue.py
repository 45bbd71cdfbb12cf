"""The queue: open items oldest first (held and escalated first for leads), filters, counts, live
updates of its list (`/moderation/queue/fragment`, polled by `queue.js`) and bulk decisions."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import HTMLResponse, Response

from moderation.domain import texts
from moderation.domain.decisions import REJECT_REASONS, Action, Reason
from moderation.domain.items import Item, Kind, Status
from moderation.domain.queue import QueueFilter
from moderation.domain.screening import Flag
from moderation.entrypoints.web.labels import FLAGS, KINDS, STATUSES
from moderation.entrypoints.web.moderator.security import Me, MeDep, PostedDep, form_of
from moderation.entrypoints.web.moderator.ui import ModeratorUI, age_text, clock_text, ui_of
from moderation.entrypoints.web.moderator.views import listing_roles, preview, reason_options
from moderation.handlers import decisions

PAGE_SIZE = 50
AGES = {"4h": timedelta(hours=4), "24h": timedelta(hours=24), "48h": timedelta(hours=48)}
AGES["7d"] = timedelta(days=7)


@dataclass(frozen=True)
class Row:
    id: str
    kind: str
    title: str
    region: str
    status: str
    flags: list[str]
    age: str
    overdue: bool
    held_by: str
    preview: str
    """The start of the text, so a moderator can tell items apart before opening one."""
    roles: tuple[str, ...]
    """A listing's roles for volunteers."""
    by_text: bool = False
    """A story or thank-you sent by text message (its outcome is texted back)."""


def row(item: Item, *, ui: ModeratorUI, now: datetime) -> Row:
    claim = item.claim
    held_by = ""
    if claim is not None and now < claim.until:
        held_by = f"{claim.moderator} until {clock_text(claim.until)}"
    return Row(
        id=str(item.id),
        kind=item.kind.value,
        title=item.title,
        region=item.region,
        status=item.status.value,
        flags=[flag.value for flag in item.screening.flags],
        age=age_text(item.age(now)),
        overdue=ui.ctx.targets.breached(item, now),
        held_by=held_by,
        preview=preview(item.text),
        roles=listing_roles(item),
        by_text=texts.sent_by_text(item.extra),
    )


def queue_filter(me: Me, *, kind: str, flag: str, region: str, age: str) -> QueueFilter:
    """Leads see every open item, held and escalated first; moderators the pending ones."""
    return QueueFilter(
        kind=Kind(kind) if kind in Kind.__members__.values() else None,
        flag=Flag(flag) if flag in Flag.__members__.values() else None,
        region=region.strip() or None,
        older_than=AGES.get(age),
        statuses=None if me.account.is_lead else frozenset({Status.PENDING}),
    )


router = APIRouter()


async def listed(request: Request, me: Me, chosen: dict[str, str]) -> dict[str, Any]:
    ui = ui_of(request)
    now = ui.now()
    query = queue_filter(me, **chosen)
    items = await ui.ctx.items.queue(query, now=now, limit=PAGE_SIZE)
    return {
        "rows": [row(item, ui=ui, now=now) for item in items],
        "counts": await ui.ctx.items.counts(query, now=now),
        "chosen": chosen,
        "page_size": PAGE_SIZE,
        "words": {"kind": KINDS, "status": STATUSES, "flag": FLAGS},
    }


def choices(
    kind: str = Query("", max_length=10),
    flag: str = Query("", max_length=20),
    region: str = Query("", max_length=40),
    age: str = Query("", max_length=4),
) -> dict[str, str]:
    """The filters the queue's page and its live list read from the address."""
    return {"kind": kind, "flag": flag, "region": region, "age": age}


ChoicesDep = Annotated[dict[str, str], Depends(choices)]


@router.get("")
async def queue(request: Request, me: MeDep, chosen: ChoicesDep) -> HTMLResponse:
    context = await listed(request, me, chosen)
    context |= {
        "kinds": [k.value for k in Kind],
        "flags": [f.value for f in Flag],
        "ages": list(AGES),
        "reasons": reason_options(REJECT_REASONS),
    }
    return ui_of(request).render(request, "moderator/queue.html", context, me=me)


@router.get("/queue/fragment")
async def fragment(request: Request, me: MeDep, chosen: ChoicesDep) -> HTMLResponse:
    context = await listed(request, me, chosen)
    return ui_of(request).render(request, "moderator/_queue_list.html", context, me=me)


@router.post("/bulk")
async def bulk(request: Request, me: PostedDep) -> Response:
    ui = ui_of(request)
    form = await form_of(request)
    action = str(form.get("action", ""))
    reason = str(form.get("reason", ""))
    ids = [_uuid(value) for value in form.getlist("item")]
    chosen = [item_id for item_id in ids if item_id is not None]
    problem = ""
    if action not in {Action.APPROVE.value, Action.REJECT.value} or not chosen:
        problem = "Choose items and approve or reject them."
    elif action == Action.REJECT.value and reason not in {r.value for r in REJECT_REASONS}:
        problem = "Choose a reason to reject them."
    if problem:
        context: dict[str, Any] = {"problem": problem, "outcome": None}
        return ui.render(
            request,
            "moderator/bulk.html",
            context,
            me=me,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    outcome = await decisions.bulk_decide(
        chosen,
        me.account.moderator,
        action=Action(action),
        reason=Reason(reason) if reason else None,
        note=str(form.get("note", ""))[:2000],
        ctx=ui.ctx,
    )
    refused = [
        (str(item_id), await _title_of(ui, me, item_id), why)
        for item_id, why in outcome.refused.items()
    ]
    context = {"problem": "", "outcome": outcome, "refused": refused, "action": action}
    return ui.render(request, "moderator/bulk.html", context, me=me)


async def _title_of(ui: ModeratorUI, me: Me, item_id: UUID) -> str:
    """The title to name a refused item by (never a held item's, unless to a lead)."""
    item = await ui.ctx.items.get(item_id)
    if item is None or (item.for_leads and not me.account.is_lead):
        return ""
    return item.title


def _uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None
