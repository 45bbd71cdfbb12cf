"""How the dispatcher keeps its sending places busy: the next group of due messages is claimed
while one is being sent, and a place is freed as soon as its message's channel is done, before
the outcome is written. What the pass claimed ahead and will not send goes back to `queued`."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest
from notifications.adapters.handover_journal import IN_MEMORY, HandoverJournal
from notifications.domain.messages import AddressKeys, Due, Message, Status
from notifications.handlers import sending
from notifications.handlers.context import Context
from pymongo.errors import AutoReconnect
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SETTLE = 5.0
"""Seconds a condition of these fakes, which do no I/O, may take to hold on a busy machine."""


def message(key: str) -> Message:
    return Message(
        key=key,
        cause_event_id="00000000-0000-0000-0000-000000000001",
        template="volunteer_confirm",
        recipient_hash=f"hash-{key}",
        status=Status.SENDING,
        queued_at=NOW,
        not_before=NOW,
        correlation_id="corr",
        kind="transactional",
        channel="email",
        attempts=1,
    )


class Messages:
    """Due messages for different addresses, each claimable once; what became of each."""

    def __init__(self, keys: list[str]) -> None:
        self.queued = list(keys)
        self.claims: list[list[str]] = []
        self.finished: list[str] = []
        self.requeued: list[str] = []
        self.finish_gate: asyncio.Event | None = None
        self.hand_over_fails: set[str] = set()

    async def due(self, now: datetime, *, limit: int) -> list[Due]:
        due, self.queued = self.queued[:limit], self.queued[limit:]
        return [Due(key, f"hash-{key}") for key in due]

    async def claim_all(self, keys: list[str], *, now: datetime) -> list[Message]:
        self.claims.append(list(keys))
        return [message(key) for key in keys]

    async def mark_handed_over(self, handed: Message) -> bool:
        if handed.key in self.hand_over_fails:
            raise AutoReconnect("connection refused")
        return True

    async def finish(self, settled: Message, *, events: Any) -> None:
        if self.finish_gate is not None:
            await self.finish_gate.wait()
        self.finished.append(settled.key)

    async def requeue(self, given_back: Message) -> None:
        self.requeued.append(given_back.key)


class Suppressions:
    async def reasons(self, asked: list[Any]) -> list[str | None]:
        return [None for _ in asked]


class Channel:
    """Sends when let through (`gate`); records the order in which sends began."""

    def __init__(self, *, gate: asyncio.Event | None = None) -> None:
        self.gate = gate
        self.began: list[str] = []
        self.sent: list[str] = []

    async def send(self, outgoing: Message, *, handing_over: Any, committing: Any) -> None:
        self.began.append(outgoing.key)
        if self.gate is not None:
            await self.gate.wait()
        await handing_over()
        committing()
        self.sent.append(outgoing.key)


def context(messages: Messages, channel: Channel) -> Context:
    return cast(
        Context,
        SimpleNamespace(
            messages=messages,
            suppressions=Suppressions(),
            address_keys=AddressKeys(b"k" * 32),
            channels={"email": channel},
            clock=lambda: NOW,
            keep_sent_context=False,
            journal=HandoverJournal(IN_MEMORY),
        ),
    )


@pytest.fixture(autouse=True)
def small_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sending, "CLAIMED_AHEAD", 2)
    monkeypatch.setattr(sending, "OUTCOME_RETRY_SECONDS", 0.0)
    monkeypatch.setattr(sending, "outgoing", lambda message, ctx: message)


async def until(condition: Callable[[], bool], what: str) -> None:
    async def holds() -> bool:
        return condition()

    await eventually(holds, timeout=SETTLE, interval=0.001, what=what)


async def test_the_next_group_is_claimed_while_one_is_being_sent() -> None:
    messages, gate = Messages(["a", "b", "c", "d"]), asyncio.Event()
    channel = Channel(gate=gate)
    dispatching = asyncio.create_task(
        sending.dispatch_due(context(messages, channel), places=asyncio.Semaphore(2))
    )

    await until(lambda: len(channel.began) == 2, "the first group's sends begun")
    await until(lambda: len(messages.claims) == 2, "the second group claimed")
    claimed_while_sending, sent_by_then = list(messages.claims), list(channel.sent)
    gate.set()
    attempted = await dispatching

    assert claimed_while_sending == [["a", "b"], ["c", "d"]]
    assert sent_by_then == []
    assert attempted == 4
    assert sorted(messages.finished) == ["a", "b", "c", "d"]


async def test_a_place_is_free_for_the_next_message_before_the_outcome_is_written() -> None:
    messages, channel = Messages(["a", "b"]), Channel()
    messages.finish_gate = asyncio.Event()
    dispatching = asyncio.create_task(
        sending.dispatch_due(context(messages, channel), places=asyncio.Semaphore(1))
    )

    await until(lambda: channel.sent == ["a", "b"], "both sent over the one place")
    finished_by_then = list(messages.finished)
    messages.finish_gate.set()
    await dispatching

    assert finished_by_then == []
    assert sorted(messages.finished) == ["a", "b"]


async def test_a_group_claimed_ahead_goes_back_when_the_pass_stops_before_sending_it() -> None:
    messages = Messages(["a", "b", "c", "d"])
    messages.hand_over_fails = {"a"}
    channel = Channel()

    with pytest.raises(AutoReconnect):
        await sending.dispatch_due(context(messages, channel), places=asyncio.Semaphore(1))

    assert messages.claims == [["a", "b"], ["c", "d"]]
    assert channel.sent == []
    assert sorted(messages.requeued) == ["a", "b", "c", "d"]
