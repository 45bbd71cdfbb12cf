"""Hosted conversations (domain.hosted): a lead invites a host; the host records conversations
held in rooms, whose statements join the moderation queue like anyone's."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from moderation.domain.hosted import (
    Host,
    HostedConversation,
    HostNotFoundError,
    hosted_conversation,
)
from moderation.handlers.context import Context
from moderation.handlers.talk import conversation_of, queue_statement, statement_item, talk_of


@dataclass(frozen=True)
class RecordHosted:
    place: str
    region: str | None
    held_on: date | None
    people: int | None
    statements: tuple[str, ...]
    language: str = "en"


async def invite_host(conversation_id: UUID, *, name: str, invited_by: str, ctx: Context) -> Host:
    """A host of `conversation_id`, shown as `name` (their organisation or group)."""
    conversation = await conversation_of(conversation_id, ctx)
    host = Host(
        conversation_id=conversation.id,
        name=" ".join(name.split()),
        invited_by=invited_by,
        invited_at=ctx.clock(),
    )
    await talk_of(ctx).invite_host(host)
    return host


async def host_of(conversation_id: UUID, host_id: UUID, ctx: Context) -> Host:
    host = await talk_of(ctx).host(host_id)
    if host is None or host.conversation_id != conversation_id:
        raise HostNotFoundError(str(host_id))
    return host


async def hosts(conversation_id: UUID, ctx: Context) -> list[Host]:
    return await talk_of(ctx).hosts_of(conversation_id)


async def record_hosted(
    conversation_id: UUID,
    host_id: UUID,
    command: RecordHosted,
    *,
    correlation_id: str,
    ctx: Context,
) -> HostedConversation:
    """Keep the record and queue its statements (each screened, each `statement.submitted`).
    Sending the same record again, or again after a crash half way, queues each statement once:
    the record's id and its statements' ids come from its content."""
    host = await host_of(conversation_id, host_id, ctx)
    conversation = await conversation_of(conversation_id, ctx)
    conversation.refuse_unless_open(ctx.clock())
    hosted = hosted_conversation(
        host,
        place=command.place,
        region=command.region,
        held_on=command.held_on,
        people=command.people,
        statements=command.statements,
        now=ctx.clock(),
    )
    await talk_of(ctx).record_hosted(hosted)
    for number, text in enumerate(hosted.statements):
        item = await statement_item(
            conversation,
            text=text,
            participant=hosted.participant,
            language=command.language,
            ctx=ctx,
            item_id=hosted.statement_id(number),
        )
        await queue_statement(item, correlation_id, ctx)
    return hosted


async def records(conversation_id: UUID, ctx: Context) -> list[HostedConversation]:
    """The conversations held in rooms and recorded by hosts, by the day they were held."""
    return await talk_of(ctx).hosted_of(conversation_id)


async def voices(conversation_id: UUID, ctx: Context) -> tuple[int, int]:
    """How many conversations were held in rooms, and how many people took part in them."""
    found = await talk_of(ctx).hosted_of(conversation_id)
    return len(found), sum(hosted.people for hosted in found)
