"""Which channels a message goes by (email, text or both), which delivery receipts suppress a
number, and how a text left in hand-over by a crash is settled by asking its provider: each
driven with small fakes of the ports."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import pytest
from notifications.domain.contacts import Contact
from notifications.domain.messages import Message, MessageRequest, Recipient, Status
from notifications.domain.receipts import permanent
from notifications.domain.texts import InboundText, Receipt
from notifications.handlers import Context, recovery
from notifications.handlers.reach import channels_for

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def contact(channels: tuple[str, ...], *, phone: str = "+447700900123") -> Contact:
    return Contact(
        person_id="p1",
        name="Eirlys",
        email="eirlys@example.org",
        language="cy",
        registered_event_id="e1",
        registered_at=NOW,
        phone=phone,
        channels=channels,
    )


def wanted(template: str = "match_invitation", *, digest: bool = False) -> MessageRequest:
    return MessageRequest(
        cause_event_id="00000000-0000-4000-8000-000000000001",
        template=template,
        recipient=Recipient("eirlys@example.org"),
        digest=digest,
    )


def ctx_with(*, texts: bool = True) -> Context:
    channels = {"email": object(), **({"sms": object()} if texts else {})}
    return cast(
        Context, SimpleNamespace(channels=channels, text_codes=object(), short_links=object())
    )


@pytest.mark.parametrize(
    ("chosen", "phone", "texts_on", "template", "digest", "expected"),
    [
        (("email",), "+447700900123", True, "match_invitation", False, ["email"]),
        (("sms",), "+447700900123", True, "match_invitation", False, ["sms"]),
        (("email", "sms"), "+447700900123", True, "match_invitation", False, ["email", "sms"]),
        (("sms",), "", True, "match_invitation", False, ["email"]),  # no number: email
        (("sms",), "+447700900123", False, "match_invitation", False, ["email"]),  # texts off
        (("sms",), "+447700900123", True, "match_invitation", True, ["email"]),  # the digest
        (("sms",), "+447700900123", True, "reminder_morning", False, ["sms"]),
        (("sms",), "+447700900123", True, "sign_in_link", False, ["email"]),  # never texted
    ],
)
def test_channels_for(
    chosen: tuple[str, ...],
    phone: str,
    texts_on: bool,
    template: str,
    digest: bool,
    expected: list[str],
) -> None:
    found = channels_for(
        contact(chosen, phone=phone), wanted(template, digest=digest), ctx_with(texts=texts_on)
    )
    assert found == expected


@pytest.mark.parametrize(
    ("status", "detail", "suppresses"),
    [
        ("failed", "permanent-failure", True),
        ("failed", "temporary-failure", False),
        ("failed", "technical-failure", False),
        ("failed", "undelivered 30005", True),
        ("failed", "undelivered 30003", False),
        ("failed", "failed 21610", True),
        ("delivered", "delivered", False),
    ],
)
def test_which_receipts_suppress_the_number(status: str, detail: str, suppresses: bool) -> None:
    receipt = Receipt(provider_id="x", reference="k", status=status, detail=detail)  # type: ignore[arg-type]
    assert permanent(receipt) is suppresses


@dataclass
class Provider:
    answers: dict[str, bool | None]
    asked: list[tuple[str, str, datetime]] = field(default_factory=list)
    name: str = "fake"

    async def sent(self, reference: str, *, to: str, since: datetime) -> bool | None:
        self.asked.append((reference, to, since))
        answer = self.answers[reference]
        if isinstance(answer, bool) or answer is None:
            return answer
        raise AssertionError(answer)

    async def send(self, *, to: str, body: str, reference: str) -> str:
        raise AssertionError("not sent here")

    def inbound(self, *, url: str, headers: Mapping[str, str], body: bytes) -> InboundText:
        raise AssertionError("not called")

    def receipt(self, *, url: str, headers: Mapping[str, str], body: bytes) -> Receipt:
        raise AssertionError("not called")

    async def close(self) -> None:
        return None


@dataclass
class Messages:
    handed: list[Message]
    finished: list[Message] = field(default_factory=list)
    requeued: list[Message] = field(default_factory=list)

    async def handed_over_by(self, instance: str) -> list[Message]:
        return self.handed

    async def finish(self, message: Message, *, events: Any) -> None:
        self.finished.append(message)

    async def requeue(self, message: Message) -> None:
        self.requeued.append(message)


@dataclass
class Journal:
    rows: dict[str, int]
    instance: str = "me"

    def entries(self) -> dict[str, int]:
        return dict(self.rows)

    def forget(self, rows: Mapping[str, int]) -> None:
        self.rows.clear()


def handed_over(key: str, channel: str) -> Message:
    return Message(
        key=key,
        cause_event_id="00000000-0000-4000-8000-000000000001",
        template="match_invitation",
        recipient_hash="h",
        status=Status.SENDING,
        queued_at=NOW,
        not_before=NOW,
        channel=channel,
        recipient="+447700900123" if channel == "sms" else "a@example.org",
        attempts=1,
        sending_at=NOW,
        handed_over_at=NOW,
        handed_over_by="me",
    )


async def test_texts_left_in_hand_over_are_settled_by_the_providers_answer_before_the_journal() -> (
    None
):
    handed = [
        handed_over("got-it", "sms"),  # journal row, provider has it: sent
        handed_over("never-came", "sms"),  # journal row, provider has not: queued again
        handed_over("cannot-tell", "sms"),  # no row, provider cannot tell: the journal: queued
        handed_over("email", "email"),  # journal row: sent, the provider never asked
    ]
    provider = Provider({"got-it": True, "never-came": False, "cannot-tell": None})
    messages = Messages(handed)
    journal = Journal({"got-it": 1, "never-came": 1, "email": 1})
    woken: list[bool] = []
    ctx = cast(
        Context,
        SimpleNamespace(
            journal=journal,
            messages=messages,
            sms_provider=provider,
            clock=lambda: NOW + timedelta(minutes=5),
            keep_sent_context=False,
            wake=lambda: woken.append(True),
        ),
    )

    assert await recovery.recover_handovers(ctx) == 4

    assert sorted(m.key for m in messages.finished) == ["email", "got-it"]
    assert all(m.status is Status.SENT for m in messages.finished)
    assert sorted(m.key for m in messages.requeued) == ["cannot-tell", "never-came"]
    assert [(key, to) for key, to, _ in provider.asked] == [
        ("got-it", "+447700900123"),
        ("never-came", "+447700900123"),
        ("cannot-tell", "+447700900123"),
    ]
    assert all(since == NOW - recovery.SINCE_MARGIN for _, _, since in provider.asked)
    assert woken
