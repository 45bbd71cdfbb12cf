"""The dispatcher claims messages due together in one write and reads their suppressions in one
query (issue 20), on the real store and SMTP server: each message is still claimed by one
dispatcher alone, and an address suppressed while its message waited is still not written to."""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from notifications.adapters.messages import MongoMessageRepository
from notifications.bootstrap import create_app
from notifications.domain.messages import (
    INVITATION,
    Message,
    MessageRequest,
    Recipient,
    Status,
    address_hash,
)
from notifications.domain.suppressions import BOUNCED, UNSUBSCRIBED
from notifications.handlers import delivery, sending
from notifications.settings import Settings
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from together_kit.messaging.outbox import AggregateCollection, RelayStaging
from together_kit.testing.commands import counting

from .conftest import Clock, Sink, unique_address

pytestmark = pytest.mark.integration

Document = dict[str, Any]
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def erasure_link(address: str, *, at: datetime) -> MessageRequest:
    return MessageRequest(
        cause_event_id=str(uuid.uuid4()),
        template="erasure_link",
        recipient=Recipient(address, name="Ffion"),
        context={"confirm_url": f"https://join.example/erase/{uuid.uuid4().hex}"},
        not_before=at,
    )


async def test_messages_due_together_are_claimed_together_and_a_suppressed_one_is_not_sent(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
) -> None:
    """The pass's own commands are counted: neither the dispatcher's loop nor the outbox relay's
    sweep (a findAndModify per collection, once a second) may run meanwhile, as on a busy
    machine the pass outlasts a second."""
    clock = Clock(NOON)
    quiet = settings_for(dispatch_poll_seconds=3600.0, outbox_poll_seconds=3600.0)
    app = create_app(quiet, clock=clock)
    async with app.router.lifespan_context(app):
        ctx = app.state.context
        addresses = [unique_address(f"due{n}") for n in range(12)]
        keys = [
            await delivery.request(erasure_link(address, at=NOON + timedelta(hours=1)), ctx)
            for address in addresses
        ]
        bounced = addresses[5]
        await ctx.suppressions.add(
            ctx.address_keys.digests(bounced),
            reason=BOUNCED,
            at=NOON,
            person_id=None,
            detail="550 no such mailbox (while the message waited)",
        )
        clock.now = NOON + timedelta(hours=1, seconds=1)

        with counting(inspector.name) as counted:
            attempted = await sending.dispatch_due(ctx)

        for address in addresses:
            if address != bounced:
                await smtp_sink.wait_for(address)
    stored = {d["_id"]: d async for d in inspector["messages"].find({"_id": {"$in": keys}})}

    assert attempted == 11
    assert smtp_sink.handler.to(bounced) == []
    assert stored[keys[5]]["status"] == Status.SUPPRESSED.value
    assert "suppressed while waiting: bounced" in stored[keys[5]]["reason"]
    assert sorted(d["status"] for k, d in stored.items() if k != keys[5]) == ["sent"] * 11
    assert counted.by_command["findAndModify"] == 0, dict(counted.by_command)
    assert counted.by_command["find"] <= 3, dict(counted.by_command)


async def test_a_line_goes_on_past_a_first_message_settled_without_sending(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
) -> None:
    """One address's messages go one after another; the first, an invitation to an address that
    has since unsubscribed, is suppressed, and the next, asked for (an erasure link), still goes
    in the same pass."""
    clock = Clock(NOON)
    app = create_app(settings_for(dispatch_poll_seconds=3600.0), clock=clock)
    async with app.router.lifespan_context(app):
        ctx = app.state.context
        address = unique_address("line")
        first = replace(erasure_link(address, at=NOON + timedelta(minutes=59)), kind=INVITATION)
        invitation = await delivery.request(first, ctx)
        asked_for = erasure_link(address, at=NOON + timedelta(hours=1))
        link = await delivery.request(asked_for, ctx)
        await ctx.suppressions.add(
            ctx.address_keys.digests(address),
            reason=UNSUBSCRIBED,
            at=NOON,
            person_id=None,
            detail="one click",
        )
        clock.now = NOON + timedelta(hours=1, seconds=1)

        attempted = await sending.dispatch_due(ctx)

        [mail] = await smtp_sink.wait_for(address)
    stored = {
        d["_id"]: d async for d in inspector["messages"].find({"_id": {"$in": [invitation, link]}})
    }

    assert attempted == 1
    assert asked_for.context["confirm_url"] in str(mail.get_body(preferencelist=("plain",)))
    assert stored[invitation]["status"] == Status.SUPPRESSED.value
    assert stored[link]["status"] == Status.SENT.value


async def test_dispatchers_claiming_the_same_messages_at_once_take_each_once(
    mongodb_url: str, database_name: str
) -> None:
    """Two dispatchers, each with its own client (as replicas are), claim overlapping sets."""
    clients: list[AsyncMongoClient[Document]] = [
        AsyncMongoClient(mongodb_url, tz_aware=True, uuidRepresentation="standard")
        for _ in range(2)
    ]
    one, two = (
        MongoMessageRepository(
            AggregateCollection(client[database_name]["claims"], staging=RelayStaging(lambda: None))
        )
        for client in clients
    )
    try:
        await one.ensure_indexes()
        await _record_waiting(one, count=30)
        not_yet = await _record_waiting(one, count=1, at=NOON + timedelta(days=1))
        keys = [d["_id"] async for d in one.collection.find({"status": "queued"}).sort("_id")]
        due_keys = [key for key in keys if key not in not_yet]

        claims = await asyncio.gather(
            one.claim_all(keys, now=NOON),
            two.claim_all(keys[::-1], now=NOON),
            two.claim_all(keys[:10], now=NOON),
            one.claim(keys[3], now=NOON),
        )
        again = await one.claim_all(keys, now=NOON)
        stored = [d async for d in one.collection.find({"_id": {"$in": due_keys}})]
    finally:
        for client in clients:
            await client.close()

    *many, single = claims
    claimed = [m.key for batch in many for m in batch] + ([single.key] if single else [])
    assert sorted(claimed) == sorted(due_keys)
    for batch, asked in zip(many, [keys, keys[::-1], keys[:10]], strict=True):
        assert [m.key for m in batch] == [key for key in asked if key in {m.key for m in batch}]
        assert all(m.status is Status.SENDING and m.attempts == 1 for m in batch)
    assert again == []
    assert {(d["status"], d["attempts"]) for d in stored} == {("sending", 1)}


async def test_a_grouped_mark_with_one_claim_given_back_still_marks_the_others_as_theirs(
    mongodb_url: str, database_name: str
) -> None:
    """Marks asked for together are one bulk write; when one of them is refused (its claim was
    given back and taken again), the others are read back to tell which landed. A mark's time
    reads back from the embedded store rounded to 10 microseconds: each landed mark must still be
    recognised as its claim's, or its message is left handed over and never sent."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        mongodb_url, tz_aware=True, uuidRepresentation="standard"
    )
    repository = MongoMessageRepository(
        AggregateCollection(client[database_name]["marks"], staging=RelayStaging(lambda: None))
    )
    at = NOON.replace(microsecond=123457)
    try:
        await repository.ensure_indexes()
        keys = await _record_waiting(repository, count=4)
        claimed = await repository.claim_all(keys, now=NOON)
        given_back = claimed[0].key
        await repository.collection.update_one(
            {"_id": given_back}, {"$set": {"status": Status.QUEUED.value}}
        )
        assert await repository.claim(given_back, now=NOON) is not None
        marked = await asyncio.gather(
            *(repository.mark_handed_over(c.hand_over(at=at, by="this-process")) for c in claimed)
        )
        stored = {d["_id"]: d async for d in repository.collection.find({"_id": {"$in": keys}})}
    finally:
        await client.close()

    assert marked == [False, True, True, True]
    assert stored[given_back]["attempts"] == 2
    assert stored[given_back]["handed_over_by"] == ""
    for message in claimed[1:]:
        assert stored[message.key]["handed_over_by"] == "this-process"


async def _record_waiting(
    repository: MongoMessageRepository, *, count: int, at: datetime = NOON
) -> list[str]:
    """`count` messages queued for `at`, recorded straight in the log; their keys."""
    keys = []
    for _ in range(count):
        address = unique_address("claim")
        message = Message(
            key=uuid.uuid4().hex,
            cause_event_id=str(uuid.uuid4()),
            template="erasure_link",
            recipient_hash=address_hash(address, key=b"k" * 32),
            status=Status.QUEUED,
            queued_at=NOON - timedelta(minutes=5),
            not_before=at,
            recipient=address,
        )
        assert await repository.record(message)
        keys.append(message.key)
    return keys
