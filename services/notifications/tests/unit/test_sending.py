"""The dispatcher's sending (`handlers.sending`).

A store outage after a message is claimed must not strand it `sending`: a sent email must still
get `notification.sent`, and a message not handed over goes back to `queued`. The sending places
are kept busy: the next group of due messages is claimed while one is being sent, and a place is
freed as soon as its message's channel is done, before the outcome is written; what a pass
claimed ahead and will not send goes back to `queued`."""

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
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def claimed(key: str) -> Message:
    """A message claimed for sending, to its own address."""
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


class FlakyMessages:
    """Claims one message; the first `outage` writes of an outcome fail as the store would."""

    def __init__(self, outage: int, *, hand_over_fails: bool = False) -> None:
        self.outage = outage
        self.hand_over_fails = hand_over_fails
        self.handed_over = 0
        self.finished: list[Status] = []
        self.requeued: list[str] = []
        self.message = claimed("key-1")

    def _blip(self) -> None:
        if self.outage:
            self.outage -= 1
            raise AutoReconnect("connection refused")

    async def claim(self, key: str, *, now: datetime) -> Message:
        return self.message

    async def mark_handed_over(self, message: Message) -> bool:
        if self.hand_over_fails:
            raise AutoReconnect("connection refused")
        self.handed_over += 1
        return True

    async def finish(self, message: Message, *, events: Any) -> None:
        self._blip()
        self.finished.append(message.status)

    async def requeue(self, message: Message) -> None:
        self._blip()
        self.requeued.append(message.reason)


class Suppressions:
    def __init__(self, *, down: bool = False) -> None:
        self.down = down

    async def reason(self, digests: Any) -> str | None:
        if self.down:
            raise AutoReconnect("connection refused")
        return None


class Channel:
    def __init__(self) -> None:
        self.sent = 0

    async def send(self, outgoing: Any, *, handing_over: Any, committing: Any) -> None:
        await handing_over()
        committing()
        self.sent += 1


def context(messages: object, suppressions: object, channel: object) -> Context:
    return cast(
        Context,
        SimpleNamespace(
            messages=messages,
            suppressions=suppressions,
            address_keys=AddressKeys(b"k" * 32),
            channels={"email": channel},
            clock=lambda: NOW,
            keep_sent_context=False,
            journal=HandoverJournal(IN_MEMORY),
        ),
    )


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sending, "OUTCOME_RETRY_SECONDS", 0.0)
    monkeypatch.setattr(sending, "outgoing", lambda message, ctx: message)


async def test_a_sent_message_is_recorded_sent_once_the_store_is_back() -> None:
    messages, channel = FlakyMessages(outage=3), Channel()
    await sending.send_one("key-1", context(messages, Suppressions(), channel))
    assert channel.sent == 1
    assert messages.finished == [Status.SENT]


async def test_a_message_claimed_when_the_store_went_away_is_given_back_not_stranded() -> None:
    messages, channel = FlakyMessages(outage=2), Channel()
    with pytest.raises(AutoReconnect):
        await sending.send_one("key-1", context(messages, Suppressions(down=True), channel))
    assert channel.sent == 0
    assert messages.requeued == ["store unavailable"]


async def test_a_store_outage_at_the_point_of_no_return_sends_nothing_and_gives_it_back() -> None:
    messages, channel = FlakyMessages(outage=1, hand_over_fails=True), Channel()
    with pytest.raises(AutoReconnect):
        await sending.send_one("key-1", context(messages, Suppressions(), channel))
    assert channel.sent == 0
    assert messages.requeued == ["store unavailable"]


async def test_a_sent_message_was_marked_handed_over_first() -> None:
    messages, channel = FlakyMessages(outage=0), Channel()
    await sending.send_one("key-1", context(messages, Suppressions(), channel))
    assert (messages.handed_over, channel.sent) == (1, 1)


# Keeping the places busy

SETTLE = 5.0
"""Seconds a condition of these fakes, which do no I/O, may take to hold on a busy machine."""


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
        return [claimed(key) for key in keys]

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


class ManySuppressions:
    async def reasons(self, asked: list[Any]) -> list[str | None]:
        return [None for _ in asked]


class GatedChannel:
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


def pipeline(messages: "Messages", channel: "GatedChannel") -> Context:
    return context(messages, ManySuppressions(), channel)


@pytest.fixture
def small_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sending, "CLAIMED_AHEAD", 2)


async def until(condition: Callable[[], bool], what: str) -> None:
    async def holds() -> bool:
        return condition()

    await eventually(holds, timeout=SETTLE, interval=0.001, what=what)


@pytest.mark.usefixtures("small_groups")
async def test_the_next_group_is_claimed_while_one_is_being_sent() -> None:
    messages, gate = Messages(["a", "b", "c", "d"]), asyncio.Event()
    channel = GatedChannel(gate=gate)
    dispatching = asyncio.create_task(
        sending.dispatch_due(pipeline(messages, channel), places=asyncio.Semaphore(2))
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


@pytest.mark.usefixtures("small_groups")
async def test_a_place_is_free_for_the_next_message_before_the_outcome_is_written() -> None:
    messages, channel = Messages(["a", "b"]), GatedChannel()
    messages.finish_gate = asyncio.Event()
    dispatching = asyncio.create_task(
        sending.dispatch_due(pipeline(messages, channel), places=asyncio.Semaphore(1))
    )

    await until(lambda: channel.sent == ["a", "b"], "both sent over the one place")
    finished_by_then = list(messages.finished)
    messages.finish_gate.set()
    await dispatching

    assert finished_by_then == []
    assert sorted(messages.finished) == ["a", "b"]


@pytest.mark.usefixtures("small_groups")
async def test_a_group_claimed_ahead_goes_back_when_the_pass_stops_before_sending_it() -> None:
    messages = Messages(["a", "b", "c", "d"])
    messages.hand_over_fails = {"a"}
    channel = GatedChannel()

    with pytest.raises(AutoReconnect):
        await sending.dispatch_due(pipeline(messages, channel), places=asyncio.Semaphore(1))

    assert messages.claims == [["a", "b"], ["c", "d"]]
    assert channel.sent == []
    assert sorted(messages.requeued) == ["a", "b", "c", "d"]
