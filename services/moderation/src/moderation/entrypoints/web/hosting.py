"""The host's page of a conversation held in rooms (/talk/{id}/hosted/{token}): the form that
records one (where, when, how many took part, the statements it gave), reached only with the
link a lead sent the host (domain.hosted)."""

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from together_kit.http.middleware import current_correlation_id
from together_kit.signing import TokenExpiredError, TokenInvalidError
from together_kit.web.labels import options
from together_kit.web.pages import Site

from moderation.domain.hosted import (
    MAX_HOSTED_STATEMENTS,
    MAX_PEOPLE,
    MAX_PLACE,
    Host,
    HostNotFoundError,
    InvalidHostedConversationError,
    statements_of,
)
from moderation.domain.talk import MAX_STATEMENT, ConversationClosedError, ConversationNotFoundError
from moderation.entrypoints.dependencies import ContextDep, SiteDep
from moderation.entrypoints.web import labels
from moderation.handlers import hosted
from moderation.handlers.context import Context
from moderation.handlers.talk import conversation_of

MAX_FORM_FIELDS = 8
FIELDS = ("place", "region", "held_on", "people", "statements")
router = APIRouter()


async def _host(conversation_id: UUID, token: str, ctx: Context) -> Host | None:
    if ctx.links is None:
        return None
    try:
        return await hosted.host_of(conversation_id, ctx.links.hosting(token), ctx)
    except (TokenExpiredError, TokenInvalidError, HostNotFoundError):
        return None


async def _page(
    request: Request,
    site: Site,
    ctx: Context,
    host: Host,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    conversation = await conversation_of(host.conversation_id, ctx)
    rooms, people = await hosted.voices(conversation.id, ctx)
    context: dict[str, Any] = {
        "conversation": conversation,
        "host": host,
        "open": conversation.open_at(ctx.clock()),
        "rooms": rooms,
        "people": people,
        "recorded": request.query_params.get("recorded") == "1",
        "values": values or {},
        "errors": site.translated(request, errors or {}),
        "regions": options(labels.REGIONS, site.translator(request)),
        "today": ctx.clock().date().isoformat(),
        "max_place": MAX_PLACE,
        "max_people": MAX_PEOPLE,
        "max_statements": MAX_HOSTED_STATEMENTS,
        "max_statement": MAX_STATEMENT,
    }
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if errors else status.HTTP_200_OK
    return site.render(request, "talk_hosted.html", context, status_code=code)


def _missing(request: Request, site: Site) -> HTMLResponse:
    return site.render(request, "talk_missing.html", status_code=status.HTTP_404_NOT_FOUND)


@router.get("/talk/{conversation_id}/hosted/{token}")
async def hosted_form(
    request: Request, conversation_id: UUID, token: str, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    host = await _host(conversation_id, token, ctx)
    if host is None:
        return _missing(request, site)
    return await _page(request, site, ctx, host)


def _number(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@router.post("/talk/{conversation_id}/hosted/{token}")
async def record_hosted(
    request: Request, conversation_id: UUID, token: str, ctx: ContextDep, site: SiteDep
) -> Response:
    host = await _host(conversation_id, token, ctx)
    if host is None:
        return _missing(request, site)
    here = f"/talk/{conversation_id}/hosted/{token}"
    form = await site.public_form(request, thanks=here, max_fields=MAX_FORM_FIELDS)
    if not isinstance(form, FormData):
        return form
    values = {name: str(form.get(name, "")) for name in FIELDS}
    command = hosted.RecordHosted(
        place=values["place"],
        region=values["region"] or None,
        held_on=_day(values["held_on"]),
        people=_number(values["people"]),
        statements=statements_of(values["statements"]),
        language=site.pages.language(request),
    )
    try:
        await hosted.record_hosted(
            conversation_id, host.id, command, correlation_id=current_correlation_id(), ctx=ctx
        )
    except InvalidHostedConversationError as error:
        return await _page(request, site, ctx, host, values=values, errors=error.errors)
    except (ConversationNotFoundError, ConversationClosedError, HostNotFoundError):
        return await _page(request, site, ctx, host)
    return site.see_other(request, f"{here}?recorded=1")
