"""A store outage after a message is claimed must not strand it `sending`: a sent email must still
get `notification.sent`, and a message not handed over goes back to `queued`."""

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest
from notifications.adapters.handover_journal import IN_MEMORY, HandoverJournal
from notifications.domain.messages import AddressKeys, Message, Status
from notifications.handlers import sending
from notifications.handlers.context import Context
from pymongo.errors import AutoReconnect

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class FlakyMessages:
    """Claims one message; the first `outage` writes of an outcome fail as the store would."""

    def __init__(self, outage: int, *, hand_over_fails: bool = False) -> None:
        self.outage = outage
        self.hand_over_fails = hand_over_fails
        self.handed_over = 0
        self.finished: list[Status] = []
        self.requeued: list[str] = []
        self.message = Message(
            key="key-1",
            cause_event_id="00000000-0000-0000-0000-000000000001",
            template="volunteer_confirm",
            recipient_hash="hash",
            status=Status.SENDING,
            queued_at=NOW,
            not_before=NOW,
            correlation_id="corr",
            kind="transactional",
            channel="email",
            attempts=1,
        )

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


def context(messages: FlakyMessages, suppressions: Suppressions, channel: Channel) -> Context:
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
