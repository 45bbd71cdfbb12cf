"""talk/together: opening a conversation, adding statements (screened and queued like stories),
voting, and the analysis of the votes (domain.opinion_groups), kept for the results page.

The analysis runs in a thread of its own (plain CPU work on the vote matrix; scikit-learn is
imported there the first time, so the service starts without it).
"""

import asyncio
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from together_contracts import IntegrationEvent

from moderation.domain import opinion_groups
from moderation.domain.items import Item, Kind, StatementDetails
from moderation.domain.ports import TalkRepository
from moderation.domain.talk import (
    About,
    Conversation,
    ConversationNotFoundError,
    Statement,
    StatementNotFoundError,
    VoteValue,
    agreement_by_region,
    next_for,
    seeds_of,
)
from moderation.handlers import outgoing_events
from moderation.handlers.context import Context
from moderation.handlers.screening import earlier_sketches, screened

REANALYSE_AFTER_VOTES = 20
REANALYSE_AFTER_SHARE = 0.1
"""The periodic analysis redoes a conversation once its votes grew by this many, and by this
share of those its last results counted (a few new votes do not move the groups)."""
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class OpenConversation:
    question: str
    description: str
    seeds: list[str]
    opened_by: str
    closes_at: datetime | None = None
    language: str = "en"


def talk_of(ctx: Context) -> TalkRepository:
    if ctx.talk is None:
        raise RuntimeError("this moderation has no conversations store")
    return ctx.talk


async def open_conversation(command: OpenConversation, ctx: Context) -> Conversation:
    conversation = Conversation(
        question=" ".join(command.question.split()),
        description=command.description.strip(),
        opened_by=command.opened_by,
        opened_at=ctx.clock(),
        seeds=seeds_of(command.seeds),
        closes_at=command.closes_at,
        language=command.language,
    )
    await talk_of(ctx).open(conversation)
    return conversation


async def conversation_of(conversation_id: UUID, ctx: Context) -> Conversation:
    conversation = await talk_of(ctx).get(conversation_id)
    if conversation is None:
        raise ConversationNotFoundError(str(conversation_id))
    return conversation


@dataclass(frozen=True)
class Standing:
    """Where a conversation stands, for its lead: statements open to votes and waiting, votes,
    and when its results were last found."""

    conversation: Conversation
    statements: int
    waiting: int
    votes: int
    analysed_at: datetime | None


async def standing(conversation: Conversation, ctx: Context) -> Standing:
    talk = talk_of(ctx)
    results = await talk.results_of(conversation.id)
    return Standing(
        conversation=conversation,
        statements=len(await talk.statements(conversation)),
        waiting=await talk.waiting(conversation.id),
        votes=await talk.count_votes(conversation.id),
        analysed_at=results.get("computed_at") if results else None,
    )


async def add_statement(
    conversation_id: UUID,
    *,
    text: str,
    participant: str,
    language: str,
    correlation_id: str,
    ctx: Context,
) -> Item:
    """Screen the statement and put it in the moderation queue (`statement.submitted`); nobody
    votes on it before a moderator approves it."""
    conversation = await conversation_of(conversation_id, ctx)
    conversation.refuse_unless_open(ctx.clock())
    item = await statement_item(
        conversation, text=text, participant=participant, language=language, ctx=ctx
    )
    await queue_statement(item, correlation_id, ctx)
    return item


async def statement_item(
    conversation: Conversation,
    *,
    text: str,
    participant: str,
    language: str,
    ctx: Context,
    item_id: UUID | None = None,
) -> Item:
    """A participant's statement, screened like a story, as an item of the moderation queue."""
    text = " ".join(text.split())
    title = conversation.question[:120]
    earlier = await earlier_sketches(Kind.STATEMENT, ctx)
    screening = await screened(title=title, text=text, earlier=earlier)
    return Item(
        id=item_id or uuid4(),
        kind=Kind.STATEMENT,
        title=title,
        text=text,
        region="",
        created_at=ctx.clock(),
        language=language,
        details=StatementDetails(conversation_id=conversation.id, participant=participant),
        screening=screening,
    )


async def queue_statement(item: Item, correlation_id: str, ctx: Context) -> bool:
    """Into the queue with `statement.submitted`; False if it was there (sent twice)."""
    told: list[IntegrationEvent] = [outgoing_events.statement_submitted(item, correlation_id)]
    return await ctx.items.add(item, events=told)


async def next_statement(
    conversation_id: UUID, *, participant: str, ctx: Context
) -> tuple[Statement | None, int, int]:
    """The next statement for this participant, with how many they voted on and how many there
    are."""
    talk = talk_of(ctx)
    conversation = await conversation_of(conversation_id, ctx)
    statements = await talk.statements(conversation)
    votes = await talk.votes_of(conversation.id)
    counts: dict[UUID, int] = {}
    for _, statement, _ in votes:
        counts[UUID(statement)] = counts.get(UUID(statement), 0) + 1
    voted = {UUID(statement) for who, statement, _ in votes if who == participant}
    return next_for(statements, votes=counts, voted=voted), len(voted), len(statements)


async def vote(
    conversation_id: UUID,
    statement_id: UUID,
    *,
    participant: str,
    value: VoteValue,
    ctx: Context,
) -> None:
    """One vote per participant and statement: a later one replaces it."""
    talk = talk_of(ctx)
    conversation = await conversation_of(conversation_id, ctx)
    now = ctx.clock()
    conversation.refuse_unless_open(now)
    statements = await talk.statements(conversation)
    if statement_id not in {statement.id for statement in statements}:
        raise StatementNotFoundError(str(statement_id))
    await talk.vote(
        conversation.id, participant=participant, statement_id=statement_id, value=value, at=now
    )


async def tell_about(participant: str, about: About, ctx: Context) -> None:
    """Keep what the participant chose to tell (asked once; telling again replaces it)."""
    await talk_of(ctx).tell_about(participant, about, at=ctx.clock())


async def link_volunteer(participant: str, person_id: UUID, ctx: Context) -> str:
    """At a signed-in volunteer's request, tie their participant to their account: their votes
    follow them to another device, and erasing the account blanks their statements and removes
    the tie (handlers.erasure). Returns the participant to go on as: the one tied before, if any
    (votes cast meanwhile under the other stay a pseudonym's)."""
    return await talk_of(ctx).link(participant, person_id, at=ctx.clock())


async def participant_of(known: str | None, person_id: UUID | None, ctx: Context) -> str | None:
    """Who is taking part: the participant tied to the signed-in volunteer, if any, otherwise
    the one their cookie names (None: a newcomer)."""
    if person_id is not None:
        linked = await talk_of(ctx).linked_to(person_id)
        if linked is not None:
            return linked
    return known


async def analyse(conversation_id: UUID, ctx: Context) -> dict[str, Any]:
    """Find the opinion groups, what unites and what divides, and keep them for the results."""
    talk = talk_of(ctx)
    conversation = await conversation_of(conversation_id, ctx)
    statements = await talk.statements(conversation)
    texts = {str(statement.id): statement.text for statement in statements}
    cast = [v for v in await talk.votes_of(conversation.id) if v[1] in texts]
    votes = [
        opinion_groups.Vote(participant=who, statement=statement, value=value)
        for who, statement, value in cast
    ]
    analysis = await asyncio.to_thread(opinion_groups.analyse, votes)
    results = results_document(analysis, texts, computed_at=ctx.clock())
    results["votes_seen"] = len(votes)
    regions = await talk.regions_of({who for who, _, _ in cast})
    results["by_region"] = agreement_by_region(cast, regions)
    await talk.keep_results(conversation.id, results)
    return results


async def analyse_changed(ctx: Context) -> int:
    """The periodic job: analyse again each conversation whose votes grew enough since its last
    results (`REANALYSE_AFTER_VOTES`, `REANALYSE_AFTER_SHARE`); how many were."""
    talk = talk_of(ctx)
    analysed = 0
    for conversation in await talk.all():
        votes = await talk.count_votes(conversation.id)
        kept = await talk.results_of(conversation.id)
        seen = int(kept.get("votes_seen", 0)) if kept else 0
        grown = votes - seen
        if grown > 0 and (
            kept is None or grown >= max(REANALYSE_AFTER_VOTES, REANALYSE_AFTER_SHARE * seen)
        ):
            await analyse(conversation.id, ctx)
            analysed += 1
    return analysed


async def export(conversation_id: UUID, ctx: Context) -> dict[str, Any]:
    """The open data of a conversation: its approved statements, its votes with each participant
    named by a number drawn for this export alone (so two exports cannot be joined on them) and
    the region they told, if any (no cookie, no volunteer, no age, nothing else about anyone),
    the conversations held in rooms (host, place, day, how many took part) and the last results,
    under `LICENCE`."""
    talk = talk_of(ctx)
    conversation = await conversation_of(conversation_id, ctx)
    statements = await talk.statements(conversation)
    open_ids = {str(statement.id) for statement in statements}
    votes = [v for v in await talk.votes_of(conversation.id) if v[1] in open_ids]
    people = sorted({who for who, _, _ in votes})
    regions = await talk.regions_of(set(people))
    random.SystemRandom().shuffle(people)
    number = {who: n for n, who in enumerate(people, start=1)}
    kept = await talk.results_of(conversation.id) or {}
    kept.pop("votes_seen", None)
    rooms = await talk.hosted_of(conversation.id)
    words = {1: "agree", -1: "disagree", 0: "pass"}
    return {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "conversation": {
            "id": str(conversation.id),
            "question": conversation.question,
            "description": conversation.description,
            "opened_at": conversation.opened_at,
            "closes_at": conversation.closes_at,
        },
        "statements": [{"id": str(s.id), "text": s.text, "seed": s.seed} for s in statements],
        "votes": sorted(
            (
                {
                    "participant": number[who],
                    "region": regions.get(who, ""),
                    "statement": statement,
                    "vote": words[value],
                }
                for who, statement, value in votes
            ),
            key=lambda vote: (vote["participant"], vote["statement"]),
        ),
        "hosted": [
            {
                "host": room.host_name,
                "place": room.place,
                "region": room.region or "",
                "held_on": room.held_on.isoformat(),
                "people": room.people,
                "statements": len(room.statements),
            }
            for room in rooms
        ],
        "results": kept,
    }


def results_document(
    analysis: opinion_groups.Analysis, texts: dict[str, str], *, computed_at: datetime
) -> dict[str, Any]:
    """What the results page and the API show: no participant ids, only groups and positions."""
    group_of = {
        participant: group.number for group in analysis.groups for participant in group.participants
    }

    def share(share: opinion_groups.Share) -> dict[str, Any]:
        return {"agree": share.agree, "disagree": share.disagree, "votes": share.votes}

    def standing(standing: opinion_groups.Standing) -> dict[str, Any]:
        return {
            "id": standing.statement,
            "text": texts.get(standing.statement, ""),
            "score": round(standing.score, 4),
            "overall": share(standing.overall),
            "by_group": [share(s) for s in standing.by_group],
        }

    return {
        "computed_at": computed_at,
        "method": analysis.method,
        "participants": analysis.participants,
        "statements": analysis.statements,
        "votes": analysis.votes,
        "groups": [
            {
                "number": group.number,
                "size": len(group.participants),
                "representative": [
                    {"id": statement, "text": texts.get(statement, "")}
                    for statement in group.representative
                ],
            }
            for group in analysis.groups
        ],
        "consensus": [standing(s) for s in analysis.consensus],
        "divisive": [standing(s) for s in analysis.divisive],
        "points": [
            {"group": group_of.get(participant, 0), "x": x, "y": y}
            for participant, (x, y) in sorted(analysis.points.items(), key=lambda kv: kv[1])
        ],
    }
