"""talk/together's JSON API: conversations, statements, votes and results.

Participants are told apart by a signed cookie holding a random id (`PARTICIPANT_COOKIE`), given
on their first call; nothing else about them is kept. Votes and statements are rate limited per
address and per participant. Opening a conversation and running its analysis take the admin key.
"""

from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, HTTPException, Request, Response, Security, status
from together_kit.http.middleware import TOO_LARGE, current_correlation_id
from together_kit.http.ratelimit import TOO_MANY
from together_kit.http.security import ADMIN_KEY_RESPONSES, admin_key_header
from together_kit.web.site import signed_in

from moderation.domain.ports import ParticipantSigner
from moderation.domain.talk import (
    About,
    Conversation,
    ConversationClosedError,
    ConversationNotFoundError,
    StatementNotFoundError,
)
from moderation.entrypoints import open_data
from moderation.entrypoints.dependencies import ContextDep
from moderation.entrypoints.talk_schemas import (
    AboutMe,
    ConversationCreate,
    ConversationPublic,
    ConversationSummary,
    HostCreate,
    HostInvited,
    NextStatement,
    Results,
    StatementCreate,
    StatementPublic,
    StatementReceived,
    VoteCreate,
    summary,
)
from moderation.handlers import hosted, talk
from moderation.handlers.context import Context

PARTICIPANT_COOKIE = "together_talk"
PARTICIPANT_MAX_AGE = 365 * 24 * 3600
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such conversation (or statement open to votes)"}
}
CLOSED: dict[int | str, dict[str, Any]] = {409: {"description": "The conversation has closed"}}


async def admin_only(
    request: Request, presented: Annotated[str | None, Security(admin_key_header)]
) -> None:
    request.app.state.talk_admin(presented)


async def limit_talk(request: Request) -> None:
    await request.app.state.talk_limit(request)


async def participant_cookie(request: Request, ctx: Context) -> tuple[str, str | None]:
    """Who is taking part (handlers.talk.participant_of: the signed-in volunteer's tied
    participant, else the one of the signed cookie, else a new random id) and the cookie to give
    them with `give_cookie` (None when theirs already names that participant)."""
    signer: ParticipantSigner = request.app.state.talk_participants
    token = request.cookies.get(PARTICIPANT_COOKIE)
    known = signer.read(token) if token else None
    person = signed_in(request, request.app.state.site_tokens)
    chosen = await talk.participant_of(str(known) if known else None, person, ctx)
    if chosen is not None and chosen == str(known):
        return chosen, None
    participant = UUID(chosen) if chosen is not None else uuid4()
    return str(participant), signer.issue(participant)


def give_cookie(request: Request, response: Response, token: str | None) -> None:
    if token is not None:
        response.set_cookie(
            PARTICIPANT_COOKIE,
            token,
            max_age=PARTICIPANT_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.moderator_secure_cookies,
        )


async def participant_of(request: Request, response: Response, ctx: ContextDep) -> str:
    """The participant (`participant_cookie`), giving them their cookie when it changed."""
    participant, token = await participant_cookie(request, ctx)
    give_cookie(request, response, token)
    return participant


async def limit_participant(
    request: Request, participant: Annotated[str, Depends(participant_of)]
) -> str:
    """The participant, once within their own rate limit (429 with `Retry-After` past it)."""
    await request.app.state.talk_participant_limit(participant)
    return participant


ParticipantDep = Annotated[str, Depends(limit_participant)]

router = APIRouter(prefix="/api/v1/talk", tags=["talk"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(admin_only)],
    responses={**ADMIN_KEY_RESPONSES, **TOO_LARGE},
)
async def open_conversation(body: ConversationCreate, ctx: ContextDep) -> ConversationPublic:
    """Open a conversation with its question and seed statements (published at once)."""
    conversation = await talk.open_conversation(
        talk.OpenConversation(
            question=body.question,
            description=body.description,
            seeds=list(body.seeds),
            opened_by="admin API",
            closes_at=body.closes_at,
            language=body.language,
        ),
        ctx,
    )
    return ConversationPublic.of(conversation, conversation.seeds, now=ctx.clock(), waiting=0)


@router.get("")
async def list_conversations(ctx: ContextDep) -> list[ConversationSummary]:
    """Every conversation, newest first, with whether it is still open."""
    now = ctx.clock()
    return [summary(c, now=now) for c in await talk.talk_of(ctx).all()]


@router.put(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(limit_talk)],
    responses={**TOO_LARGE, **TOO_MANY},
)
async def tell_about_me(body: AboutMe, ctx: ContextDep, participant: ParticipantDep) -> None:
    """Optionally, once: your nation or English region and your age band. Results show
    agreement by region; the age band is kept for the coalition's own counts and never shown."""
    await talk.tell_about(participant, About(region=body.region, age_band=body.age_band), ctx)


@router.post(
    "/me/volunteer",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(limit_talk)],
    responses={**TOO_MANY, 401: {"description": 'Not signed in to "My together"'}},
)
async def link_volunteer(
    request: Request, response: Response, ctx: ContextDep, participant: ParticipantDep
) -> None:
    """Tie your votes and statements to your volunteer account (signed in to "My together"), so
    they follow you to another device and go if you ask us to forget you."""
    person = signed_in(request, request.app.state.site_tokens)
    if person is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, 'Sign in to "My together" first.')
    kept = await talk.link_volunteer(participant, person, ctx)
    if kept != participant:
        give_cookie(request, response, request.app.state.talk_participants.issue(UUID(kept)))


@router.get("/{conversation_id}", responses=NOT_FOUND)
async def read_conversation(conversation_id: UUID, ctx: ContextDep) -> ConversationPublic:
    """The conversation and its statements open to votes."""
    conversation = await _conversation(conversation_id, ctx)
    store = talk.talk_of(ctx)
    return ConversationPublic.of(
        conversation,
        await store.statements(conversation),
        now=ctx.clock(),
        waiting=await store.waiting(conversation.id),
        hosted=await hosted.voices(conversation.id, ctx),
    )


@router.post(
    "/{conversation_id}/hosts",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(admin_only)],
    responses={**ADMIN_KEY_RESPONSES, **NOT_FOUND, **TOO_LARGE},
)
async def invite_host(conversation_id: UUID, body: HostCreate, ctx: ContextDep) -> HostInvited:
    """Invite a host (an organisation or community connector) to hold this conversation in
    rooms; send them the link, with which they record each one and the statements it gave."""
    await _conversation(conversation_id, ctx)
    host = await hosted.invite_host(
        conversation_id, name=body.name, invited_by="admin API", ctx=ctx
    )
    links = ctx.links
    if links is None:
        raise RuntimeError("moderation has no links")
    return HostInvited(id=host.id, name=host.name, link=links.host(conversation_id, host.id))


@router.post(
    "/{conversation_id}/statements",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limit_talk)],
    responses={**NOT_FOUND, **CLOSED, **TOO_LARGE, **TOO_MANY},
)
async def add_statement(
    conversation_id: UUID, body: StatementCreate, ctx: ContextDep, participant: ParticipantDep
) -> StatementReceived:
    """Add a statement (at most 140 characters); a moderator reads it before anyone votes."""
    try:
        item = await talk.add_statement(
            conversation_id,
            text=body.text,
            participant=participant,
            language=body.language,
            correlation_id=current_correlation_id(),
            ctx=ctx,
        )
    except ConversationNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation.") from error
    except ConversationClosedError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, "This conversation has closed.") from error
    return StatementReceived(id=item.id, status=item.status.value)


@router.get("/{conversation_id}/next", responses=NOT_FOUND)
async def next_statement(
    conversation_id: UUID, ctx: ContextDep, participant: ParticipantDep
) -> NextStatement:
    """The next statement for this participant to vote on: those with fewest votes first."""
    try:
        statement, voted, total = await talk.next_statement(
            conversation_id, participant=participant, ctx=ctx
        )
    except ConversationNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation.") from error
    return NextStatement(
        statement=StatementPublic.of(statement) if statement else None, voted=voted, total=total
    )


@router.put(
    "/{conversation_id}/votes/{statement_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(limit_talk)],
    responses={**NOT_FOUND, **CLOSED, **TOO_LARGE, **TOO_MANY},
)
async def vote(
    conversation_id: UUID,
    statement_id: UUID,
    body: VoteCreate,
    ctx: ContextDep,
    participant: ParticipantDep,
) -> None:
    """Agree, disagree or pass; voting again on the same statement replaces the vote."""
    try:
        await talk.vote(
            conversation_id, statement_id, participant=participant, value=body.vote, ctx=ctx
        )
    except (ConversationNotFoundError, StatementNotFoundError) as error:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "No such statement open to votes in this conversation."
        ) from error
    except ConversationClosedError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, "This conversation has closed.") from error


@router.post(
    "/{conversation_id}/analysis",
    dependencies=[Depends(admin_only)],
    responses={**ADMIN_KEY_RESPONSES, **NOT_FOUND},
)
async def run_analysis(conversation_id: UUID, ctx: ContextDep) -> Results:
    """Analyse the votes now (opinion groups, what unites, what divides) and keep the results."""
    await _conversation(conversation_id, ctx)
    return await talk.analyse(conversation_id, ctx)


@router.get("/{conversation_id}/results", responses=NOT_FOUND)
async def read_results(conversation_id: UUID, ctx: ContextDep) -> Results:
    """The results of the last analysis (404 before the first)."""
    await _conversation(conversation_id, ctx)
    results = await talk.talk_of(ctx).results_of(conversation_id)
    if results is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No results yet for this conversation.")
    return results


@router.get("/{conversation_id}/export", responses=NOT_FOUND)
async def export_json(conversation_id: UUID, ctx: ContextDep) -> Results:
    """The conversation's open data (CC BY 4.0): its statements, its votes with participants
    numbered afresh for each export, and its last results."""
    await _conversation(conversation_id, ctx)
    return await talk.export(conversation_id, ctx)


@router.get(
    "/{conversation_id}/export/{table}.csv",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {"text/csv": {}}, "description": "The table"}},
)
async def export_csv(
    conversation_id: UUID,
    table: Literal["statements", "votes", "results", "hosted"],
    ctx: ContextDep,
) -> Response:
    """One table of the open data as CSV: `statements`, `votes`, `results` (a statement a line,
    with its agreement overall and by group) or `hosted` (the conversations held in rooms)."""
    await _conversation(conversation_id, ctx)
    data = await talk.export(conversation_id, ctx)
    return Response(
        open_data.csv_table(data, table),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="talk-{conversation_id}-{table}.csv"'
        },
    )


async def _conversation(conversation_id: UUID, ctx: Context) -> Conversation:
    try:
        return await talk.conversation_of(conversation_id, ctx)
    except ConversationNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation.") from error
