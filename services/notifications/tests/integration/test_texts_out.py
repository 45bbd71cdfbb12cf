"""Texts to volunteers who chose them, through the real broker and store to the local SMS sink
(GOV.UK Notify's API shape over localhost): an invitation by text carries its code, a person who
chose both gets both, email-only gets none, a redelivery texts once, quiet hours hold a text
invitation longer than an email, receipts are recorded, and erasure by number forgets texts."""

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from notifications.bootstrap import create_app
from notifications.domain.policy import LONDON
from notifications.domain.suppressions import TEXTS_STOPPED
from notifications.handlers import Context
from notifications.handlers.texts_out import queue_text
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import (
    PersonErasureRequested,
    PersonErasureRequestedData,
    VolunteerContactChanged,
    VolunteerContactChangedData,
    VolunteerRegistered,
    VolunteerRegisteredData,
    phone_digest,
)
from together_contracts.matches import MatchProposed
from together_kit.dev.smsshapes import Text, notify_callback
from together_kit.dev.smssink import DEVELOPMENT_NOTIFY_API_KEY, DEVELOPMENT_TOKEN, SmsSink
from together_kit.testing.phones import drama_mobile
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

from .conftest import Clock, Document, Sink, unique_address
from .test_invitations import proposal as invitation_to

pytestmark = pytest.mark.integration
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=LONDON)


def new_phone() -> str:
    return drama_mobile().e164


@contextmanager
def local_sink(folder: Path) -> Iterator[SmsSink]:
    """The local SMS sink in GOV.UK Notify's shape, on a free port (no receipts: notifications
    here listens on no port; tests post receipts themselves)."""
    sink = SmsSink(folder=folder, shape="notify")
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def sms_sink(tmp_path: Path) -> Iterator[SmsSink]:
    with local_sink(tmp_path / "sms") as sink:
        yield sink


@dataclass
class Texts:
    app: FastAPI
    db: AsyncDatabase[Document]
    sink: SmsSink
    clock: Clock

    @property
    def ctx(self) -> Context:
        context: Context = self.app.state.context
        return context

    async def wait_for(self, phone: str, count: int = 1) -> list[Text]:
        async def look() -> list[Text]:
            return self.sink.texts_to(phone)

        return await eventually(
            look, until=lambda found: len(found) >= count, what=f"texts to {phone}"
        )

    async def logged(self, cause: str, channel: str, **expected: Any) -> Document:
        async def look() -> Document | None:
            query = {"cause_event_id": cause, "channel": channel, **expected}
            return await self.db["messages"].find_one(query)

        found = await eventually(look, what=f"{channel} message of {cause} {expected}")
        assert found is not None
        return found


def sms_settings(
    settings_for: Callable[..., Settings], sink: SmsSink, **overrides: Any
) -> Settings:
    return settings_for(
        sms_provider="notify",
        sms_api_url=sink.url,
        notify_api_key=DEVELOPMENT_NOTIFY_API_KEY,
        notify_template_id=str(uuid.uuid4()),
        notify_callback_token=DEVELOPMENT_TOKEN,
        **overrides,
    )


@pytest.fixture
async def texts(
    settings_for: Callable[..., Settings], inspector: AsyncDatabase[Document], sms_sink: SmsSink
) -> AsyncIterator[Texts]:
    clock = Clock(NOON)
    app = create_app(sms_settings(settings_for, sms_sink), clock=clock)
    async with app.router.lifespan_context(app):
        yield Texts(app, inspector, sms_sink, clock)


async def volunteer(
    rabbitmq_url: str, db: AsyncDatabase[Document], *, channels: list[str], language: str = "en"
) -> tuple[uuid.UUID, str, str]:
    """A volunteer kept by notifications with a number and their choice; id, address, number."""
    person_id, address, phone = uuid.uuid4(), unique_address("eirlys"), new_phone()
    joined = VolunteerRegistered(
        producer="signups",
        correlation_id="texts-out",
        data=VolunteerRegisteredData(
            person_id=person_id,
            name="Eirlys",
            email=address,
            language=language,  # type: ignore[arg-type]
            phone=phone.replace("+44", "0"),
            channels=channels,  # type: ignore[arg-type]
        ),
    )
    await publish_event(rabbitmq_url, joined)
    await eventually(
        lambda: db["contacts"].find_one({"_id": str(person_id), "phone": phone}),
        what="the volunteer's contact with their number, E.164",
    )
    return person_id, address, phone


def proposal(person_id: uuid.UUID, title: str = "Litter pick on Llandaff Fields") -> MatchProposed:
    """An invitation (test_invitations' own) to an event on Saturday 12 December near CF10."""
    return invitation_to(person_id, title)


async def test_a_volunteer_who_chose_texts_is_invited_by_text_with_a_code_and_no_email(
    texts: Texts, rabbitmq_url: str
) -> None:
    person_id, _, phone = await volunteer(rabbitmq_url, texts.db, channels=["sms"])
    invitation = proposal(person_id)
    await publish_event(rabbitmq_url, invitation)

    [text] = await texts.wait_for(phone)
    logged = await texts.logged(str(invitation.id), "sms", status="sent")
    [code] = [
        c async for c in texts.db["text_codes"].find({"match_id": str(invitation.data.match_id)})
    ]
    link = text.body.rsplit("Details: ", 1)[1]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=texts.app), base_url="http://notifications.test"
    ) as client:
        followed = await client.get(link.removeprefix("http://notifications.test"))

    assert f"Reply YES {code['code']} to take a place, NO {code['code']} if you can't." in text.body
    assert text.body.startswith("together: Litter pick on Llandaff Fields, Saturday 12 December")
    assert text.reference == logged["_id"]
    assert followed.status_code == 303
    assert followed.headers["location"] == invitation.data.respond_url
    assert logged["recipient"] == phone
    assert logged["email_digest"] == phone_digest(phone, key=texts.ctx.erasure_key)
    emailed = await texts.db["messages"].find_one(
        {"cause_event_id": str(invitation.id), "channel": "email"}
    )
    assert emailed is None


async def test_a_volunteer_who_chose_both_gets_both_and_email_only_gets_no_text(
    texts: Texts, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    both, both_address, both_phone = await volunteer(
        rabbitmq_url, texts.db, channels=["email", "sms"], language="cy"
    )
    email_only, only_address, only_phone = await volunteer(
        rabbitmq_url, texts.db, channels=["email"]
    )
    for person_id in (both, email_only):
        await publish_event(rabbitmq_url, proposal(person_id, "Gŵyl y Gwanwyn"))

    [text] = await texts.wait_for(both_phone)
    await smtp_sink.wait_for(both_address, 2)  # the confirmation, then the invitation
    await smtp_sink.wait_for(only_address, 2)

    assert text.body.startswith("together: Gwyl y Gwanwyn, Dydd Sadwrn 12 Rhagfyr")
    assert "Atebwch YES" in text.body
    assert texts.sink.texts_to(only_phone) == []


async def test_a_redelivered_invitation_texts_once(texts: Texts, rabbitmq_url: str) -> None:
    person_id, _, phone = await volunteer(rabbitmq_url, texts.db, channels=["sms"])
    invitation = proposal(person_id)
    await publish_event(rabbitmq_url, invitation)
    await texts.logged(str(invitation.id), "sms", status="sent")
    await publish_event(rabbitmq_url, invitation)
    await publish_event(rabbitmq_url, proposal(person_id, "A later event"))  # a marker after it

    await texts.wait_for(phone, 2)
    count = await texts.db["messages"].count_documents({"cause_event_id": str(invitation.id)})
    assert count == 1
    assert [t.body.split(",")[0] for t in texts.sink.texts_to(phone)] == [
        "together: Litter pick on Llandaff Fields",
        "together: A later event",
    ]


async def test_quiet_hours_hold_a_text_invitation_from_eight_until_nine(
    texts: Texts, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    texts.clock.now = datetime(2026, 11, 25, 20, 30, tzinfo=LONDON)
    person_id, address, phone = await volunteer(rabbitmq_url, texts.db, channels=["email", "sms"])
    invitation = proposal(person_id)
    await publish_event(rabbitmq_url, invitation)

    await smtp_sink.wait_for(address, 2)  # email's quiet hours begin at 21:00
    held = await texts.logged(str(invitation.id), "sms", status="queued")
    assert held["not_before"] == datetime(2026, 11, 26, 9, 0, tzinfo=LONDON).timestamp()
    texts.clock.now = datetime(2026, 11, 26, 8, 59, tzinfo=LONDON)
    texts.ctx.wake()
    await texts.logged(str(invitation.id), "sms", status="queued")
    assert texts.sink.texts_to(phone) == []

    texts.clock.now = datetime(2026, 11, 26, 9, 0, 1, tzinfo=LONDON)
    texts.ctx.wake()
    await texts.wait_for(phone)


async def test_delivery_receipts_are_recorded_and_a_dead_number_is_suppressed(
    texts: Texts, rabbitmq_url: str
) -> None:
    person_id, _, phone = await volunteer(rabbitmq_url, texts.db, channels=["sms"])
    invitation = proposal(person_id)
    await publish_event(rabbitmq_url, invitation)
    [text] = await texts.wait_for(phone)
    key = text.reference

    async def receipt(status: str, token: str = DEVELOPMENT_TOKEN) -> httpx.Response:
        data = {"id": text.id, "reference": key, "to": phone, "status": status}
        call = notify_callback("http://notifications.test/sms/receipts", token=token, data=data)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=texts.app), base_url="http://notifications.test"
        ) as client:
            return await client.post("/sms/receipts", content=call.content, headers=call.headers)

    forged = await receipt("delivered", token="not-the-providers-token-at-all-no")
    assert forged.status_code == 403
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=texts.app), base_url="http://notifications.test"
    ) as client:
        unreadable = await client.post(
            "/sms/receipts",
            content=b"{not json",
            headers={"Authorization": f"Bearer {DEVELOPMENT_TOKEN}"},
        )
        nameless = await client.post(
            "/sms/receipts",
            json={"status": "delivered"},
            headers={"Authorization": f"Bearer {DEVELOPMENT_TOKEN}"},
        )
    assert (unreadable.status_code, nameless.status_code) == (400, 400)
    assert (await texts.logged(str(invitation.id), "sms")).get("receipt") is None

    assert (await receipt("delivered")).json() == {"recorded": True}
    delivered = await texts.logged(str(invitation.id), "sms")
    assert (delivered["status"], delivered["receipt"]) == ("sent", "delivered")

    assert (await receipt("permanent-failure")).status_code == 200
    failed = await texts.logged(str(invitation.id), "sms")
    assert (failed["receipt"], failed["receipt_detail"]) == ("failed", "permanent-failure")
    digests = texts.ctx.address_keys.digests(phone)
    assert await texts.ctx.suppressions.reason(digests) == "bounced"
    later = proposal(person_id, "Another event")
    await publish_event(rabbitmq_url, later)
    await texts.logged(str(later.id), "sms", status="suppressed")


async def test_erasure_by_number_forgets_the_contact_its_texts_emails_and_short_links(
    texts: Texts, rabbitmq_url: str
) -> None:
    person_id, _, phone = await volunteer(rabbitmq_url, texts.db, channels=["sms"])
    invitation = proposal(person_id)
    await publish_event(rabbitmq_url, invitation)
    await texts.logged(str(invitation.id), "sms", status="sent")

    erasure = PersonErasureRequested(
        producer="signups",
        correlation_id="forget-number",
        data=PersonErasureRequestedData(
            erasure_id=uuid.uuid4(), phone_digest=phone_digest(phone, key=texts.ctx.erasure_key)
        ),
    )
    await publish_event(rabbitmq_url, erasure)

    async def answered() -> Document | None:
        return await texts.db["erasures"].find_one({"_id": str(erasure.data.erasure_id)})

    # The tombstone is the erasure's last step: everything before it is done.
    await eventually(answered, what="the erasure's answer")
    scrubbed = await texts.logged(str(invitation.id), "sms", erased=True)
    confirmation = await texts.db["messages"].find_one(
        {"person_id": str(person_id), "template": "volunteer_confirm"}
    )
    assert (scrubbed["recipient"], scrubbed["context"]) == ("", {})
    assert await texts.db["contacts"].find_one({"_id": str(person_id)}) is None
    assert confirmation is not None
    assert (confirmation["recipient"], confirmation["erased"]) == ("", True)
    assert await texts.db["short_links"].count_documents({"person_id": str(person_id)}) == 0


async def test_queue_text_texts_once_per_cause_template_and_number(
    texts: Texts, rabbitmq_url: str
) -> None:
    phone, cause = new_phone(), f"provider-id-{uuid.uuid4().hex}"
    for to in (phone, phone.replace("+44", "0"), phone.replace("+44", "+44 ")):
        await queue_text(
            texts.ctx,
            to=to,
            template="reply_help",
            language="en",
            values={},
            cause_id=cause,
            kind="transactional",
        )
    await queue_text(
        texts.ctx,
        to=phone,
        template="reply_help",
        language="cy",
        values={},
        cause_id=f"{cause}-later",
        kind="transactional",
    )

    english, welsh = await texts.wait_for(phone, 2)
    assert await texts.db["messages"].count_documents({"recipient": phone}) == 2
    assert english.body != welsh.body


async def test_with_no_provider_a_volunteer_who_chose_texts_is_emailed(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    app = create_app(settings_for(sms_provider="none"), clock=Clock(NOON))
    async with app.router.lifespan_context(app):
        person_id, address, _ = await volunteer(rabbitmq_url, inspector, channels=["sms"])
        invitation = proposal(person_id)
        await publish_event(rabbitmq_url, invitation)
        mails = await smtp_sink.wait_for(address, 2)

    assert "Litter pick on Llandaff Fields" in str(mails[1]["Subject"])
    assert await inspector["messages"].count_documents({"channel": "sms"}) == 0


def reach_changed(person_id: uuid.UUID, phone: str, *, at: datetime) -> VolunteerContactChanged:
    return VolunteerContactChanged(
        producer="signups",
        correlation_id="texts-out",
        occurred_at=at,
        data=VolunteerContactChangedData(
            person_id=person_id, name="Eirlys", phone=phone, channels=["sms"]
        ),
    )


async def test_choosing_texts_again_after_a_stop_lifts_it_but_an_older_choice_does_not(
    texts: Texts, rabbitmq_url: str
) -> None:
    person_id, _, phone = await volunteer(rabbitmq_url, texts.db, channels=["sms"])
    digests = texts.ctx.address_keys.digests(phone)
    await texts.ctx.suppressions.add(
        digests, reason=TEXTS_STOPPED, at=NOON, person_id=str(person_id), detail="replied STOP"
    )

    await publish_event(rabbitmq_url, reach_changed(person_id, phone, at=NOON - timedelta(hours=1)))
    held = proposal(person_id, "Before the stop")
    await publish_event(rabbitmq_url, held)
    await texts.logged(str(held.id), "sms", status="suppressed")

    await publish_event(rabbitmq_url, reach_changed(person_id, phone, at=NOON + timedelta(hours=1)))
    await eventually(
        lambda: texts.ctx.suppressions.reason(digests),
        until=lambda reason: reason is None,
        what="the stop lifted by choosing texts again",
    )
    again = proposal(person_id, "After choosing texts again")
    await publish_event(rabbitmq_url, again)

    [text] = await texts.wait_for(phone)
    assert text.body.startswith("together: After choosing texts again")
