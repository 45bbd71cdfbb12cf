"""Moderators' decisions, for the moderator UI to call: claim, release, approve, reject, escalate,
and bulk decisions from the queue.

Where decisions are stored: inside their item, as the append-only list `decisions`, written whole
with `$set` together with the item's new status and the events the decision causes, in one
single-document write under the item's version (the kit's `AggregateCollection`). That makes the
item, its audit record and its event atomic on MongoDB and on the embedded store alike, with no
transaction (ADR 0002). A separate `decisions` collection would need a second write that a crash
could lose or half-make. The audit is read per item (`item.decisions`) or across items with
`MongoItemRepository.decided_between`.

Every function refuses (raises a `DecisionError`) when another moderator holds the item's claim,
when the item is already decided, or when only a lead may decide it (held or escalated items).
`ItemNotFoundError` says the item does not exist.

Claiming is a command of its own (the UI's POST), never a side effect of reading an item; only a
lead may claim a held or escalated item. An item screening flagged `personal-data` is approved as
sent only with an override and its reason (bulk approval never gives one, so it leaves such items
out and says why). A lead may withdraw a published item (`withdraw`), told as `story.withdrawn` or
`listing.withdrawn` and audited like every decision.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from together_contracts import IntegrationEvent
from together_kit.http.middleware import current_correlation_id

from moderation.domain.decisions import (
    Action,
    DecisionError,
    Moderator,
    Reason,
    check_bulk,
)
from moderation.domain.items import Claim, Item, ItemNotFoundError
from moderation.handlers import outgoing_events
from moderation.handlers.context import Context
from moderation.handlers.recordings import forget_audio


async def claim(item_id: UUID, moderator: Moderator, *, ctx: Context) -> Claim:
    """Open an item: claim it for 10 minutes (renewed if the moderator holds it already)."""
    claimed: list[Claim] = []

    def take(item: Item) -> list[IntegrationEvent]:
        claimed[:] = [item.take_claim(moderator, ctx.clock())]
        return []

    await ctx.items.change(item_id, take)
    return claimed[0]


async def release(item_id: UUID, moderator: Moderator, *, ctx: Context) -> None:
    """Give a claim back (the moderator moved on without deciding)."""

    def give_back(item: Item) -> list[IntegrationEvent]:
        item.release(moderator)
        return []

    await ctx.items.change(item_id, give_back)


async def approve(
    item_id: UUID,
    moderator: Moderator,
    *,
    ctx: Context,
    redacted_text: str | None = None,
    redacted_title: str | None = None,
    note: str = "",
    override: str = "",
) -> Item:
    """Publish the item, as submitted or with the moderator's redactions (original kept in the
    audit); tells `story.approved` or `listing.approved`. An item flagged `personal-data` goes
    out as sent only with an `override` reason (`PersonalDataFlaggedError` otherwise)."""
    correlation_id = current_correlation_id()

    def decide(item: Item) -> list[IntegrationEvent]:
        item.approve(
            moderator,
            ctx.clock(),
            redacted_text=redacted_text,
            redacted_title=redacted_title,
            note=note,
            override=override,
        )
        return [
            outgoing_events.decision_event(
                item, reason=None, correlation_id=correlation_id, ctx=ctx
            )
        ]

    approved = await ctx.items.change(item_id, decide)
    await forget_audio(approved, ctx)
    return approved


async def reject(
    item_id: UUID, moderator: Moderator, *, reason: Reason, note: str = "", ctx: Context
) -> Item:
    """Reject with a reason from the list (the note stays internal); tells `*.rejected`."""
    correlation_id = current_correlation_id()

    def decide(item: Item) -> list[IntegrationEvent]:
        item.reject(moderator, ctx.clock(), reason=reason, note=note)
        return [
            outgoing_events.decision_event(
                item, reason=reason, correlation_id=correlation_id, ctx=ctx
            )
        ]

    rejected = await ctx.items.change(item_id, decide)
    await forget_audio(rejected, ctx)
    return rejected


async def escalate(
    item_id: UUID, moderator: Moderator, *, reason: Reason, note: str = "", ctx: Context
) -> Item:
    """Hand the item to the leads; it goes to the top of their queue. Tells nothing."""

    def decide(item: Item) -> list[IntegrationEvent]:
        item.escalate(moderator, ctx.clock(), reason=reason, note=note)
        return []

    return await ctx.items.change(item_id, decide)


async def withdraw(item_id: UUID, lead: Moderator, *, reason: str, ctx: Context) -> Item:
    """Take a published story or listing down (leads only), with a reason kept in the audit;
    tells `story.withdrawn` or `listing.withdrawn`."""
    correlation_id = current_correlation_id()

    def take_down(item: Item) -> list[IntegrationEvent]:
        item.withdraw(lead, ctx.clock(), reason=reason)
        return [outgoing_events.withdrawal_event(item, by="lead", correlation_id=correlation_id)]

    return await ctx.items.change(item_id, take_down)


@dataclass(frozen=True)
class BulkOutcome:
    decided: list[UUID] = field(default_factory=list)
    refused: dict[UUID, str] = field(default_factory=dict)
    """Item id -> why it was not decided (held by someone else, already decided, …)."""


async def bulk_decide(
    item_ids: Sequence[UUID],
    moderator: Moderator,
    *,
    action: Action,
    ctx: Context,
    reason: Reason | None = None,
    note: str = "",
) -> BulkOutcome:
    """Approve or reject several items from the queue; each is its own atomic decision, and
    items the rules refuse are reported rather than stopping the rest (bulk approval refuses
    every item flagged `personal-data`: it is never published as sent by accident)."""
    check_bulk(action, reason)
    outcome = BulkOutcome()
    for item_id in dict.fromkeys(item_ids):
        try:
            if action is Action.APPROVE:
                await approve(item_id, moderator, note=note, ctx=ctx)
            else:
                await reject(item_id, moderator, reason=reason or Reason.OTHER, note=note, ctx=ctx)
        except DecisionError as error:
            outcome.refused[item_id] = str(error)
            continue
        except ItemNotFoundError:
            outcome.refused[item_id] = "There is no such item."
            continue
        outcome.decided.append(item_id)
    return outcome
