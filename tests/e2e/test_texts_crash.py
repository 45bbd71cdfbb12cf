"""A SIGKILL of notifications while texts are being handed to the provider sends each text
exactly once (issue 23; docs/adr/0007-email-point-of-no-return.md, "Texts").

A real notifications process on the real broker and store texts a batch of invitations through
the local SMS sink in GOV.UK Notify's shape (and once in Twilio's, which finds a text by number
and time, not by reference). The sink holds each answer back after keeping the
text (a provider that got the text, its answer lost on the way), so texts are in hand-over when
the process is killed mid-batch. After a restart each number has its text once: those the sink
got are settled by asking it (by the message key each carries as reference), the rest are sent.
So too when the process's handover journal is lost with it (a pod rescheduled, its /tmp gone):
an email would then end `unknown` after the stale limit; a text is settled by asking.
"""

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from together_contracts import VolunteerRegistered, VolunteerRegisteredData
from together_contracts.matches import EventSummary, MatchProposed, MatchProposedData
from together_kit.dev.smssink import SmsSink
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

from .conftest import System
from .test_journeys import TEXTS_AT_ANY_HOUR

pytestmark = pytest.mark.e2e

VOLUNTEERS = 24
HELD_SECONDS = 0.4
"""How long the sink holds each answer after keeping the text."""
RECOVERED = "sent just before a crash; the server's reply was not seen"
Document = dict[str, Any]


def phone_of(n: int, run: str) -> str:
    return f"+4477009{int(run, 16) % 100:02d}{n:03d}"


def registered(person_id: uuid.UUID, phone: str) -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="signups",
        correlation_id="texts-crash",
        data=VolunteerRegisteredData(
            person_id=person_id,
            name="Gwen",
            email=f"gwen.{uuid.uuid4().hex[:10]}@example.org",
            phone=phone,
            channels=["sms"],
        ),
    )


def proposed(person_id: uuid.UUID) -> MatchProposed:
    starts = datetime.now(UTC) + timedelta(days=10)
    return MatchProposed(
        producer="matching",
        correlation_id="texts-crash",
        data=MatchProposedData(
            match_id=uuid.uuid4(),
            person_id=person_id,
            event=EventSummary(
                event_id=uuid.uuid4(),
                title="Beach clean at Barry Island",
                event_type="environment",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                outward_code="CF62",
            ),
            reasons=["near you"],
            reasons_text="near you",
            respond_url=f"https://events.together.example/r/{uuid.uuid4().hex}",
            accept_url="https://events.together.example/a",
            decline_url="https://events.together.example/d",
        ),
    )


@pytest.mark.parametrize(
    ("shape", "journal"), [("notify", "kept"), ("notify", "lost"), ("twilio", "kept")]
)
async def test_a_sigkill_while_texts_are_handed_over_sends_each_text_exactly_once(
    system: System, sms_sink: SmsSink, tmp_path: Path, shape: str, journal: str
) -> None:
    sms_sink.shape = shape  # type: ignore[assignment]
    journal_path = tmp_path / "notifications.handover"
    env = {
        **sms_sink.notifications_env(),
        "NOTIFICATIONS_HANDOVER_JOURNAL_PATH": str(journal_path),
        **TEXTS_AT_ANY_HOUR,
        "NOTIFICATIONS_CLAIM_STALE_SECONDS": "1",
        "NOTIFICATIONS_DISPATCH_POLL_SECONDS": "0.2",
    }
    notifications = system.start("notifications", **env)
    notifications.wait_ready()
    client: AsyncMongoClient[Document] = AsyncMongoClient(system.mongodb_url)
    db = client[system.database("notifications")]
    phones = [phone_of(n, system.run_id) for n in range(VOLUNTEERS)]
    people = [uuid.uuid4() for _ in phones]
    try:
        for person_id, phone in zip(people, phones, strict=True):
            await publish_event(system.rabbitmq_url, registered(person_id, phone))
        await eventually(
            lambda: db.contacts.count_documents({"channels": "sms"}),
            until=lambda n: n == VOLUNTEERS,
            what="every volunteer's number kept",
        )

        sms_sink.delay_seconds = HELD_SECONDS
        for person_id in people:
            await publish_event(system.rabbitmq_url, proposed(person_id))
        await eventually(
            lambda: _count(sms_sink),
            until=lambda n: n >= VOLUNTEERS // 3,
            timeout=60,
            what="a third of the texts at the sink",
        )
        system.processes["notifications"].kill()
        at_kill = len(sms_sink.texts)
        sms_sink.delay_seconds = 0.0
        if journal == "lost":
            journal_path.unlink()
            env["NOTIFICATIONS_SENDING_STALE_SECONDS"] = "2"
            env["NOTIFICATIONS_RECONCILE_INTERVAL_SECONDS"] = "0.5"

        restarted = system.start("notifications", **env)
        await asyncio.to_thread(restarted.wait_ready)

        async def settled() -> list[Document]:
            found = db.messages.find({"channel": "sms"}, {"status": 1, "reason": 1})
            return [document async for document in found]

        logged = await eventually(
            settled,
            until=lambda found: (
                len(found) == VOLUNTEERS and all(d["status"] == "sent" for d in found)
            ),
            timeout=90,
            what="every text recorded sent",
        )
    finally:
        await client.close()

    per_phone = Counter(text.to for text in sms_sink.texts)
    assert VOLUNTEERS // 3 <= at_kill < VOLUNTEERS, "killed mid-batch"
    assert {phone: per_phone[phone] for phone in phones} == dict.fromkeys(phones, 1)
    assert len(sms_sink.texts) == VOLUNTEERS
    assert any(d["reason"] == RECOVERED for d in logged), "a text settled after the crash"


async def _count(sink: SmsSink) -> int:
    return len(sink.texts)
