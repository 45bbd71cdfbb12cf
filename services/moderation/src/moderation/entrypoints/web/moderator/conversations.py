"""Leads run talk/together from here: open a conversation, see where each stands, invite hosts of
conversations in rooms (and copy their links), and find the results again now. The same commands
as the admin API (`entrypoints.talk_api`), checked by the same request models."""

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from moderation.domain.hosted import MAX_HOST_NAME
from moderation.domain.talk import (
    MAX_DESCRIPTION,
    MAX_QUESTION,
    MAX_SEEDS,
    MAX_STATEMENT,
    ConversationNotFoundError,
)
from moderation.entrypoints.talk_schemas import ConversationCreate, HostCreate
from moderation.entrypoints.web.moderator.security import LeadDep, LeadPostedDep, Me, form_of
from moderation.entrypoints.web.moderator.ui import UK, ui_of
from moderation.handlers import hosted, talk

router = APIRouter()

FIELD_ERRORS = {
    "question": f"Enter the question, on one line, at most {MAX_QUESTION} characters.",
    "description": f"Keep the description to {MAX_DESCRIPTION} characters.",
    "seeds": (
        f"Give at most {MAX_SEEDS} first statements, one a line, each at most "
        f"{MAX_STATEMENT} characters."
    ),
    "closes_on": "Enter a closing day that has not passed, like 2027-07-05, or leave it empty.",
    "name": f"Enter the host's name (their organisation or group), at most {MAX_HOST_NAME} "
    "characters.",
}
"""What a lead is told about each field of these forms, whatever the check that refused it."""


@router.get("/conversations")
async def conversations_page(request: Request, me: LeadDep) -> HTMLResponse:
    return await _listing(request, me)


@router.post("/conversations")
async def open_conversation(request: Request, me: LeadPostedDep) -> Response:
    ui = ui_of(request)
    form = await form_of(request)
    entered = {name: str(form.get(name, "")) for name in ("question", "description", "seeds")}
    entered["closes_on"] = str(form.get("closes_on", "")).strip()
    entered["language"] = "cy" if form.get("language") == "cy" else "en"
    errors: dict[str, str] = {}
    closes_at = _closing(entered["closes_on"], now=ui.now(), errors=errors)
    try:
        body = ConversationCreate(
            question=entered["question"],
            description=entered["description"],
            seeds=[line for line in entered["seeds"].splitlines() if line.strip()],
            closes_at=closes_at,
            language=entered["language"],
        )
    except ValidationError as error:
        errors |= {str(e["loc"][0]): FIELD_ERRORS[str(e["loc"][0])] for e in error.errors()}
    if errors:
        return await _listing(
            request,
            me,
            entered=entered,
            errors=errors,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    conversation = await talk.open_conversation(
        talk.OpenConversation(
            question=body.question,
            description=body.description,
            seeds=list(body.seeds),
            opened_by=me.account.name,
            closes_at=body.closes_at,
            language=body.language,
        ),
        ui.ctx,
    )
    return ui.see_other(request, f"/conversations/{conversation.id}?done=opened")


@router.get("/conversations/{conversation_id}")
async def conversation_page(request: Request, conversation_id: UUID, me: LeadDep) -> Response:
    return await _conversation(request, conversation_id, me)


@router.post("/conversations/{conversation_id}/hosts")
async def invite_host(request: Request, conversation_id: UUID, me: LeadPostedDep) -> Response:
    ui = ui_of(request)
    name = str((await form_of(request)).get("name", ""))
    try:
        HostCreate(name=name)
    except ValidationError:
        return await _conversation(
            request,
            conversation_id,
            me,
            host_name=name,
            error=FIELD_ERRORS["name"],
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    try:
        await hosted.invite_host(conversation_id, name=name, invited_by=me.account.name, ctx=ui.ctx)
    except ConversationNotFoundError:
        return ui_of(request).missing(request, me, what="conversation")
    return ui.see_other(request, f"/conversations/{conversation_id}?done=host#hosts")


@router.post("/conversations/{conversation_id}/analysis")
async def analyse(request: Request, conversation_id: UUID, me: LeadPostedDep) -> Response:
    ui = ui_of(request)
    try:
        await talk.analyse(conversation_id, ui.ctx)
    except ConversationNotFoundError:
        return ui_of(request).missing(request, me, what="conversation")
    return ui.see_other(request, f"/conversations/{conversation_id}?done=analysed")


def _closing(entered: str, *, now: datetime, errors: dict[str, str]) -> datetime | None:
    """The end of the entered day in the UK (a conversation stays open all its last day)."""
    if not entered:
        return None
    try:
        day = date.fromisoformat(entered)
    except ValueError:
        day = None
    if day is None or day < now.astimezone(UK).date():
        errors["closes_on"] = FIELD_ERRORS["closes_on"]
        return None
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UK)


async def _listing(
    request: Request,
    me: Me,
    *,
    entered: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    ui = ui_of(request)
    conversations = await talk.talk_of(ui.ctx).all()
    context: dict[str, Any] = {
        "standings": [await talk.standing(c, ui.ctx) for c in conversations],
        "now": ui.now(),
        "entered": entered or {},
        "errors": errors or {},
        "limits": {"question": MAX_QUESTION, "description": MAX_DESCRIPTION, "seeds": MAX_SEEDS},
    }
    return ui.render(
        request, "moderator/conversations.html", context, me=me, status_code=status_code
    )


async def _conversation(
    request: Request,
    conversation_id: UUID,
    me: Me,
    *,
    host_name: str = "",
    error: str = "",
    status_code: int = status.HTTP_200_OK,
) -> Response:
    ui = ui_of(request)
    try:
        conversation = await talk.conversation_of(conversation_id, ui.ctx)
    except ConversationNotFoundError:
        return ui_of(request).missing(request, me, what="conversation")
    links = ui.ctx.links
    records = await hosted.records(conversation.id, ui.ctx)
    context = {
        "standing": await talk.standing(conversation, ui.ctx),
        "now": ui.now(),
        "hosts": [
            {
                "host": host,
                "link": links.host(conversation.id, host.id) if links else "",
                "records": [r for r in records if r.host_id == host.id],
            }
            for host in await hosted.hosts(conversation.id, ui.ctx)
        ],
        "host_name": host_name,
        "error": error,
        "max_host_name": MAX_HOST_NAME,
    }
    return ui.render(
        request, "moderator/conversation.html", context, me=me, status_code=status_code
    )
