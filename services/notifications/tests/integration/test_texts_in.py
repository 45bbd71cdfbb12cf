"""Texts to the coalition's number, through `POST /sms/inbound` as GOV.UK Notify calls it (its
bearer token, its JSON), on the real store and broker: each text acts once however often the
provider resends it, what it tells other services goes through the outbox, and every reply is a
text in the delivery log."""

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from notifications.bootstrap import create_app
from notifications.handlers import Context
from notifications.handlers.texts_in import REPLIES_PER_DAY, reply_ref_of, text_id_of
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import (
    PersonErasureRequested,
    PersonErasureRequestedData,
    StoryApproved,
    StoryOutcomeData,
    VolunteerRegistered,
    VolunteerRegisteredData,
    phone_digest,
)
from together_kit.dev.smsshapes import Text, twilio_callback
from together_kit.dev.smssink import NOTIFY_TEMPLATE_ID, SmsSink
from together_kit.testing.phones import drama_mobile
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Document, unique_address

pytestmark = pytest.mark.integration

TOKEN = "callback-token-for-the-inbound-tests-0123456789"


def new_phone() -> str:
    return drama_mobile().e164


@dataclass
class Texting:
    app: FastAPI
    db: AsyncDatabase[Document]
    client: httpx.AsyncClient

    @property
    def ctx(self) -> Context:
        context: Context = self.app.state.context
        return context

    async def text(
        self, body: str, *, sender: str, provider_id: str | None = None, token: str = TOKEN
    ) -> httpx.Response:
        """A text as Notify tells of it: the same `provider_id` is the same text, resent."""
        message = {
            "id": provider_id or str(uuid.uuid4()),
            "source_number": sender.removeprefix("+"),
            "destination_number": "07700900000",
            "message": body,
            "date_received": datetime.now(UTC).isoformat(),
        }
        headers = {"Authorization": f"Bearer {token}"}
        return await self.client.post("/sms/inbound", json=message, headers=headers)

    async def replies(self, phone: str, template: str) -> list[Document]:
        found = self.db["messages"].find({"recipient": phone, "template": template})
        return [document async for document in found]

    async def recorded(self, provider_id: str) -> Document | None:
        return await self.db["inbound_texts"].find_one({"_id": text_id_of(provider_id)})


def sink_settings(sink: SmsSink, **overrides: Any) -> dict[str, Any]:
    """Texts through the session's SMS sink in Notify's shape, with this test's callback token."""
    values = {
        "sms_provider": "notify",
        "sms_api_url": sink.url,
        "notify_api_key": sink.notify_api_key,
        "notify_template_id": NOTIFY_TEMPLATE_ID,
        "notify_callback_token": TOKEN,
        "sms_from": "",
    }
    return values | overrides


@pytest.fixture
async def texting(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    session_sms_sink: SmsSink,
) -> AsyncIterator[Texting]:
    """Notifications with Notify as its provider, the session's SMS sink in its place."""
    app = create_app(settings_for(**sink_settings(session_sms_sink)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://notifications.test"
        ) as client:
            yield Texting(app, inspector, client)


async def volunteer_with(
    phone: str, texting: Texting, rabbitmq_url: str, *, email: bool = True
) -> str:
    """A volunteer who chose texts, kept by notifications; their person id. Without `email`,
    one signed up by staff with only a mobile."""
    joined = VolunteerRegistered(
        producer="signups",
        correlation_id="texts-in",
        data=VolunteerRegisteredData(
            person_id=uuid.uuid4(),
            name="Eirlys",
            email=unique_address("eirlys") if email else None,
            phone=phone,
            channels=["email", "sms"] if email else ["sms"],
        ),
    )
    await publish_event(rabbitmq_url, joined)
    person_id = str(joined.data.person_id)
    await eventually(
        lambda: texting.db["contacts"].find_one({"_id": person_id, "phone": phone}),
        what="the volunteer's contact with their number",
    )
    return person_id


async def published(texting: Texting, provider_id: str) -> Document:
    """The text's record once its outbox is published."""

    async def look() -> Document | None:
        return await texting.recorded(provider_id)

    record = await eventually(
        look, until=lambda d: d is not None and d["outbox_pending"] == 0, what="outbox published"
    )
    assert record is not None
    return record


def about(events: list[dict[str, Any]], key: str, value: str) -> list[dict[str, Any]]:
    return [event for event in events if event["data"].get(key) == value]


async def test_stop_suppresses_the_number_tells_signups_once_and_confirms_once(
    texting: Texting, rabbitmq_url: str, session_sms_sink: SmsSink
) -> None:
    phone = new_phone()
    person_id = await volunteer_with(phone, texting, rabbitmq_url)
    provider_id = str(uuid.uuid4())

    async with event_probe(rabbitmq_url, ["volunteer.texts_stopped"]) as probe:
        for _ in range(3):  # Notify resends a webhook it got no answer to
            answered = await texting.text(" Stop. ", sender=phone, provider_id=provider_id)
            assert answered.status_code == 200
        await published(texting, provider_id)
        told = await eventually(
            lambda: _events_about(probe.events, person_id), until=bool, what="texts_stopped"
        )
        await texting.text("STOP", sender=phone, provider_id=provider_id)

    assert len(told) == 1
    assert told[0]["data"] == {"person_id": person_id, "keyword": "STOP"}
    digests = texting.ctx.address_keys.digests(phone)
    suppression = await texting.db["suppressions"].find_one({"_id": {"$in": digests}})
    assert suppression is not None
    assert suppression["reason"] == "texts-stopped"
    assert phone not in str(suppression)
    [confirmation] = await texting.replies(phone, "reply_stopped")
    assert confirmation["kind"] == "stop-confirmation"
    [delivered] = await eventually(
        lambda: _texts_to(session_sms_sink, phone), until=bool, what="the confirmation"
    )
    assert delivered.body.startswith("together: you will get no more texts from us.")
    await texting.text("help", sender=phone)
    [unsent] = await texting.replies(phone, "reply_help")
    assert unsent["status"] == "suppressed"
    assert len(session_sms_sink.texts_to(phone)) == 1
    assert await texting.db["inbound_texts"].count_documents({"_id": text_id_of(provider_id)}) == 1

    started = await texting.text("start", sender=phone)
    assert started.status_code == 200
    assert await texting.db["suppressions"].find_one({"_id": {"$in": digests}}) is None
    assert len(await texting.replies(phone, "reply_started")) == 1


async def test_email_text_or_both_by_reply_tells_signups_and_says_what_now_reaches_them(
    texting: Texting, rabbitmq_url: str, session_sms_sink: SmsSink
) -> None:
    phone = new_phone()
    person_id = await volunteer_with(phone, texting, rabbitmq_url)
    async with event_probe(rabbitmq_url, ["volunteer.channels_chosen"]) as probe:
        await texting.text("E-mail please", sender=phone)
        await texting.text("stop", sender=phone)
        await texting.text("Ddau", sender=phone)
        told = await eventually(
            lambda: _events_about(probe.events, person_id),
            until=lambda found: len(found) == 2,
            what="both choices told",
        )

    assert sorted((e["data"]["keyword"], tuple(e["data"]["channels"])) for e in told) == [
        ("DDAU", ("email", "sms")),
        ("EMAIL", ("email",)),
    ]
    digests = texting.ctx.address_keys.digests(phone)
    assert await texting.db["suppressions"].find_one({"_id": {"$in": digests}}) is None
    texted = await eventually(
        lambda: _texts_to(session_sms_sink, phone), until=lambda t: len(t) == 3, what="3 replies"
    )
    bodies = sorted(text.body for text in texted)
    assert any(b.startswith("together: from now on we'll email you about") for b in bodies)
    assert any(
        b.startswith("together: o hyn ymlaen byddwn yn anfon e-bost a neges") for b in bodies
    )


async def test_email_is_no_choice_without_an_address_nor_for_an_unknown_number(
    texting: Texting, rabbitmq_url: str
) -> None:
    phone, stranger = new_phone(), new_phone()
    person_id = await volunteer_with(phone, texting, rabbitmq_url, email=False)
    async with event_probe(rabbitmq_url, ["volunteer.channels_chosen"]) as probe:
        kept = await texting.text("EMAIL", sender=phone)
        unknown = await texting.text("both", sender=stranger)
        texts = await texting.text("text", sender=phone)
        await eventually(
            lambda: _events_about(probe.events, person_id), until=bool, what="the TEXT choice"
        )

    assert (kept.status_code, unknown.status_code, texts.status_code) == (200, 200, 200)
    assert [e["data"]["keyword"] for e in probe.events] == ["TEXT"]
    assert len(await texting.replies(phone, "reply_choice_no_email")) == 1
    assert len(await texting.replies(stranger, "reply_choice_unknown")) == 1
    assert len(await texting.replies(phone, "reply_chose_sms")) == 1


async def _texts_to(sink: SmsSink, phone: str) -> list[Text]:
    return sink.texts_to(phone)


async def _events_about(events: list[dict[str, Any]], person_id: str) -> list[dict[str, Any]]:
    return about(events, "person_id", person_id)


async def test_yes_with_the_invitations_code_answers_it(
    texting: Texting, rabbitmq_url: str
) -> None:
    phone = new_phone()
    digest = phone_digest(phone, key=texting.ctx.erasure_key)
    match_id, person_id = str(uuid.uuid4()), str(uuid.uuid4())
    assert texting.ctx.text_codes is not None
    code = await texting.ctx.text_codes.issue(
        match_id=match_id,
        person_id=person_id,
        phone_digest=digest,
        expires_at=datetime.now(UTC) + timedelta(days=2),
    )
    provider_id = str(uuid.uuid4())

    async with event_probe(rabbitmq_url, ["match.answered"]) as probe:
        for _ in range(2):
            answered = await texting.text(
                f"yes {code.lower()}!", sender=phone, provider_id=provider_id
            )
            assert answered.status_code == 200
        await published(texting, provider_id)
        [told] = await eventually(
            lambda: _answers_to(probe.events, match_id), until=bool, what="match.answered"
        )
        await texting.text("NO", sender=phone)  # bare: the number's one open invitation
        answers = await eventually(
            lambda: _answers_to(probe.events, match_id),
            until=lambda found: len(found) == 2,
            what="the second answer",
        )

    assert told["data"] == {
        "match_id": match_id,
        "person_id": person_id,
        "answer": "accept",
        "channel": "sms",
    }
    assert answers[1]["data"]["answer"] == "decline"
    assert await texting.replies(phone, "reply_help") == []


async def _answers_to(events: list[dict[str, Any]], match_id: str) -> list[dict[str, Any]]:
    return about(events, "match_id", match_id)


async def test_an_unknown_code_or_none_open_is_answered_with_a_short_reply(
    texting: Texting,
) -> None:
    phone = new_phone()

    assert (await texting.text("YES K7MX", sender=phone)).status_code == 200
    assert (await texting.text("No", sender=phone)).status_code == 200

    assert len(await texting.replies(phone, "reply_unknown_code")) == 1
    assert len(await texting.replies(phone, "reply_no_invitation")) == 1


async def test_a_story_by_text_goes_to_moderation_with_a_reference_and_a_reply(
    texting: Texting, rabbitmq_url: str
) -> None:
    phone = new_phone()
    provider_id = str(uuid.uuid4())
    text_id = text_id_of(provider_id)

    async with event_probe(rabbitmq_url, ["text.received"]) as probe:
        for _ in range(2):
            answered = await texting.text(
                "STORI: Canodd y stryd gyfan bob nos Iau.", sender=phone, provider_id=provider_id
            )
            assert answered.status_code == 200
        await published(texting, provider_id)
        [told] = await eventually(
            lambda: _texts(probe.events, text_id), until=bool, what="text.received"
        )

    reply_ref = reply_ref_of(text_id)
    assert told["data"] == {
        "text_id": text_id,
        "kind": "story",
        "body": "Canodd y stryd gyfan bob nos Iau.",
        "language": "cy",
        "reply_ref": reply_ref,
    }
    assert phone.removeprefix("+") not in str(told)
    sender = await texting.db["text_senders"].find_one({"_id": reply_ref})
    assert sender is not None
    assert (sender["phone"], sender["language"]) == (phone, "cy")
    [reply] = await texting.replies(phone, "reply_story_received")
    assert reply["language"] == "cy"
    record = await texting.recorded(provider_id)
    assert record is not None
    assert "Canodd" not in str(record)


async def _texts(events: list[dict[str, Any]], text_id: str) -> list[dict[str, Any]]:
    return about(events, "text_id", text_id)


async def test_a_number_gets_at_most_ten_replies_a_day_but_a_stop_is_confirmed(
    texting: Texting,
) -> None:
    """An auto-responder answering our replies must not talk to us for ever."""
    phone = new_phone()

    for n in range(REPLIES_PER_DAY + 2):
        assert (await texting.text(f"hello {n}", sender=phone)).status_code == 200
    await texting.text("STOP", sender=phone)

    assert len(await texting.replies(phone, "reply_help")) == REPLIES_PER_DAY
    assert len(await texting.replies(phone, "reply_stopped")) == 1


async def test_a_story_without_words_is_asked_for_them(texting: Texting) -> None:
    phone = new_phone()

    assert (await texting.text("thanks!", sender=phone)).status_code == 200

    assert len(await texting.replies(phone, "reply_thanks_empty")) == 1
    assert await texting.db["text_senders"].count_documents({"phone": phone}) == 0


async def test_an_approved_story_sent_by_text_is_texted_once_with_its_link(
    texting: Texting, rabbitmq_url: str
) -> None:
    phone = new_phone()
    provider_id = str(uuid.uuid4())
    await texting.text("STORY We sang on the doorsteps.", sender=phone, provider_id=provider_id)
    reply_ref = reply_ref_of(text_id_of(provider_id))
    approved = StoryApproved(
        producer="moderation",
        correlation_id="texts-in",
        data=StoryOutcomeData(
            story_id=uuid.uuid4(),
            title="Doorsteps",
            public_url="https://share.together.example/stories/doorsteps",
            reply_ref=uuid.UUID(reply_ref),
        ),
    )

    for _ in range(2):
        await publish_event(rabbitmq_url, approved)
    [told] = await eventually(
        lambda: texting.replies(phone, "reply_story_approved"), until=bool, what="outcome text"
    )
    await eventually(
        lambda: texting.db["text_senders"].find_one({"_id": reply_ref}),
        until=lambda found: found is None,
        what="the sender forgotten",
    )

    assert told["cause_event_id"] == str(approved.id)
    assert len(await texting.replies(phone, "reply_story_approved")) == 1


async def test_a_call_not_the_providers_or_unreadable_is_refused_and_records_nothing(
    texting: Texting,
) -> None:
    phone = new_phone()
    provider_id = str(uuid.uuid4())

    refused = await texting.text("STOP", sender=phone, provider_id=provider_id, token="guess")
    unsigned = await texting.client.post("/sms/inbound", json={"id": provider_id})

    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    unreadable = await texting.client.post("/sms/inbound", content=b"{not json", headers=headers)

    assert (refused.status_code, unsigned.status_code) == (403, 403)
    assert unreadable.status_code == 400
    assert await texting.recorded(provider_id) is None
    assert await texting.replies(phone, "reply_stopped") == []


async def test_erasure_by_number_forgets_its_texts_senders_and_codes(
    texting: Texting, rabbitmq_url: str
) -> None:
    phone = new_phone()
    digest = phone_digest(phone, key=texting.ctx.erasure_key)
    provider_id = str(uuid.uuid4())
    await texting.text("THANKS to the bin crews", sender=phone, provider_id=provider_id)
    assert texting.ctx.text_codes is not None
    await texting.ctx.text_codes.issue(
        match_id=str(uuid.uuid4()),
        person_id=str(uuid.uuid4()),
        phone_digest=digest,
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )

    erasure = PersonErasureRequested(
        producer="signups",
        correlation_id="texts-in",
        data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), phone_digest=digest),
    )
    await publish_event(rabbitmq_url, erasure)

    async def left() -> int:
        counts = [
            await texting.db[name].count_documents({"phone_digest": digest})
            for name in ("inbound_texts", "text_senders", "text_codes")
        ]
        return sum(counts)

    await eventually(left, until=lambda n: n == 0, what="the number's texts forgotten")


async def test_twilio_calls_are_checked_by_their_signature_and_answered_with_twiml(
    settings_for: Callable[..., Settings], session_sms_sink: SmsSink
) -> None:
    """Twilio signs the public URL it called (`public_base_url`), whatever address the request
    arrived at; a call signed with another token is refused, and records nothing."""
    account = "AC" + "1" * 32
    settings = settings_for(
        **sink_settings(
            session_sms_sink,
            sms_provider="twilio",
            twilio_account_sid=account,
            twilio_auth_token=TOKEN,
            sms_from="+447700900000",
        )
    )
    app = create_app(settings)
    phone = new_phone()
    sid = f"SM{uuid.uuid4().hex}"
    params = {"MessageSid": sid, "AccountSid": account, "From": phone, "To": "+447700900000"}
    params |= {"Body": "Help?"}
    public = "http://notifications.test/sms/inbound"
    signed = twilio_callback(public, auth_token=TOKEN, params=params)
    forged = twilio_callback(public, auth_token="another-token", params=params)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://notifications.internal"
        ) as client:
            refused = await client.post(
                "/sms/inbound", content=forged.content, headers=forged.headers
            )
            db = app.state.runtime.db
            nothing = await db["inbound_texts"].find_one({"_id": text_id_of(sid)})
            answered = await client.post(
                "/sms/inbound", content=signed.content, headers=signed.headers
            )
            recorded = await db["inbound_texts"].find_one({"_id": text_id_of(sid)})
            help_reply = await db["messages"].find_one(
                {"recipient": phone, "template": "reply_help"}
            )

    assert (refused.status_code, nothing) == (403, None)
    assert answered.status_code == 200
    assert answered.headers["content-type"].startswith("text/xml")
    assert "<Response/>" in answered.text
    assert recorded is not None
    assert recorded["asked"] == "help"
    assert help_reply is not None
