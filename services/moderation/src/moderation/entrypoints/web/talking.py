"""talk/together's pages (/talk, /talk/{id}, /talk/{id}/results), working without JavaScript:
one statement at a time with agree / disagree / pass buttons, a form to add a statement, and the
results as pictures with their tables."""

from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData
from together_kit.http.middleware import current_correlation_id
from together_kit.web import uk_map
from together_kit.web.labels import options
from together_kit.web.pages import Site
from together_kit.web.site import signed_in

from moderation.domain.talk import (
    AGE_BANDS,
    MAX_STATEMENT,
    About,
    ConversationClosedError,
    ConversationNotFoundError,
    StatementNotFoundError,
    VoteValue,
)
from moderation.entrypoints.dependencies import ContextDep, SiteDep
from moderation.entrypoints.talk_api import give_cookie, participant_cookie
from moderation.entrypoints.talk_schemas import StatementCreate
from moderation.entrypoints.web import labels, region_map, talk_pictures
from moderation.handlers import hosted, talk
from moderation.handlers.context import Context

MAX_FORM_FIELDS = 8
router = APIRouter()


@router.get("/talk")
async def conversations(request: Request, ctx: ContextDep, site: SiteDep) -> HTMLResponse:
    now = ctx.clock()
    found = await talk.talk_of(ctx).all()
    context = {
        "open": [c for c in found if c.open_at(now)],
        "closed": [c for c in found if not c.open_at(now)],
    }
    return site.render(request, "talk.html", context)


@router.get("/talk/{conversation_id}")
async def conversation(
    request: Request, conversation_id: UUID, ctx: ContextDep, site: SiteDep
) -> Response:
    return await _conversation_page(request, conversation_id, ctx, site)


async def _conversation_page(
    request: Request,
    conversation_id: UUID,
    ctx: ContextDep,
    site: SiteDep,
    *,
    text: str = "",
    error: str = "",
) -> Response:
    participant, token = await participant_cookie(request, ctx)
    try:
        found = await talk.conversation_of(conversation_id, ctx)
        statement, voted, total = await talk.next_statement(
            conversation_id, participant=participant, ctx=ctx
        )
    except ConversationNotFoundError:
        return site.render(request, "talk_missing.html", status_code=status.HTTP_404_NOT_FOUND)
    asked = voted > 0 and await talk.talk_of(ctx).about_of(participant) is None
    person = signed_in(request, request.app.state.site_tokens)
    rooms, people = await hosted.voices(conversation_id, ctx)
    context = {
        "conversation": found,
        "ask_about": asked,
        "regions": options(labels.REGIONS, site.translator(request)),
        "age_bands": [(band, band) for band in AGE_BANDS],
        "open": found.open_at(ctx.clock()),
        "statement": statement,
        "voted": voted,
        "total": total,
        "added": request.query_params.get("added") == "1",
        "text": text,
        "error": site.translated(request, {"text": error}).get("text", "") if error else "",
        "max_statement": MAX_STATEMENT,
        "rooms": rooms,
        "room_people": people,
        "volunteer": person is not None,
        "linked": person is not None and await talk.talk_of(ctx).linked_to(person) == participant,
    }
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if error else status.HTTP_200_OK
    page = site.render(request, "talk_conversation.html", context, status_code=code)
    give_cookie(request, page, token)
    return page


async def _posted(request: Request, site: Site, ctx: Context) -> tuple[FormData, str, str | None]:
    """A participant's form, within the limits per address and per participant: the form, the
    participant, and the cookie to give them (None when they have it)."""
    await request.app.state.talk_limit(request)
    form = await site.form(request, max_fields=MAX_FORM_FIELDS)
    participant, token = await participant_cookie(request, ctx)
    await request.app.state.talk_participant_limit(participant)
    return form, participant, token


def _back(request: Request, site: Site, path: str, token: str | None) -> Response:
    """To the page at `path`, with the participant's new cookie if they had none."""
    answer = site.see_other(request, path)
    give_cookie(request, answer, token)
    return answer


@router.post("/talk/{conversation_id}/vote")
async def vote(request: Request, conversation_id: UUID, ctx: ContextDep, site: SiteDep) -> Response:
    form, participant, token = await _posted(request, site, ctx)
    try:
        value = VoteValue(str(form.get("vote", "")))
        statement_id = UUID(str(form.get("statement", "")))
        await talk.vote(
            conversation_id, statement_id, participant=participant, value=value, ctx=ctx
        )
    except (ValueError, ConversationNotFoundError, StatementNotFoundError, ConversationClosedError):
        pass  # the page shows what is still open to this participant
    return _back(request, site, f"/talk/{conversation_id}", token)


@router.post("/talk/{conversation_id}/about")
async def about_me(
    request: Request, conversation_id: UUID, ctx: ContextDep, site: SiteDep
) -> Response:
    """The optional question asked once: a region and an age band, or "no thanks" (kept as
    nothing told, so it is not asked again)."""
    form, participant, token = await _posted(request, site, ctx)
    region = str(form.get("region", "")) or None
    age_band = str(form.get("age_band", "")) or None
    try:
        about = About() if form.get("skip") else About(region=region, age_band=age_band)
    except ValueError:
        about = None
    if about is not None:
        await talk.tell_about(participant, about, ctx)
    return _back(request, site, f"/talk/{conversation_id}", token)


@router.post("/talk/{conversation_id}/volunteer")
async def link_volunteer(
    request: Request, conversation_id: UUID, ctx: ContextDep, site: SiteDep
) -> Response:
    """A signed-in volunteer ties their votes to their account (handlers.talk.link_volunteer)."""
    _, participant, token = await _posted(request, site, ctx)
    person = signed_in(request, request.app.state.site_tokens)
    if person is not None:
        kept = await talk.link_volunteer(participant, person, ctx)
        if kept != participant:
            token = request.app.state.talk_participants.issue(UUID(kept))
    return _back(request, site, f"/talk/{conversation_id}", token)


@router.post("/talk/{conversation_id}/statements")
async def add_statement(
    request: Request, conversation_id: UUID, ctx: ContextDep, site: SiteDep
) -> Response:
    form, participant, token = await _posted(request, site, ctx)
    text = str(form.get("text", ""))
    try:
        body = StatementCreate(text=text, language=site.pages.language(request))
    except ValidationError:
        message = f"Write a statement of 1 to {MAX_STATEMENT} characters"  # in the catalogue
        return await _conversation_page(
            request, conversation_id, ctx, site, text=text, error=message
        )
    try:
        await talk.add_statement(
            conversation_id,
            text=body.text,
            participant=participant,
            language=body.language,
            correlation_id=current_correlation_id(),
            ctx=ctx,
        )
    except (ConversationNotFoundError, ConversationClosedError):
        return _back(request, site, f"/talk/{conversation_id}", token)
    return _back(request, site, f"/talk/{conversation_id}?added=1", token)


@router.get("/talk/{conversation_id}/results")
async def results(
    request: Request, conversation_id: UUID, ctx: ContextDep, site: SiteDep
) -> HTMLResponse:
    try:
        found = await talk.conversation_of(conversation_id, ctx)
    except ConversationNotFoundError:
        return site.render(request, "talk_missing.html", status_code=status.HTTP_404_NOT_FOUND)
    kept = await talk.talk_of(ctx).results_of(conversation_id)
    translate = site.translator(request)
    context = {
        "conversation": found,
        "results": kept,
        "dots": talk_pictures.opinion_map(kept["points"]) if kept else [],
        "groups": [
            {**group, "colour": talk_pictures.colour(group["number"])}
            for group in (kept["groups"] if kept else [])
        ],
        "unites": talk_pictures.standings(kept["consensus"]) if kept else [],
        "divides": talk_pictures.standings(kept["divisive"]) if kept else [],
        **(talk_pictures.by_region(kept, translate=translate) if kept else {}),
        "region_maps": talk_pictures.region_maps(kept, translate=translate) if kept else {},
        "region_key": region_map.agreement_key(translate=translate),
        "region_view": region_map.VIEW,
        "region_radius": region_map.RADIUS,
        "outline": uk_map.outline(),
        "map_size": talk_pictures.MAP_SIZE,
        "bar_width": talk_pictures.BAR_WIDTH,
        "bar_label": talk_pictures.BAR_LABEL,
        "bar_row": talk_pictures.BAR_ROW,
    }
    return site.render(request, "talk_results.html", context)
