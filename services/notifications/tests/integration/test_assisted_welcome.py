"""A volunteer staff signed up with only a mobile (issue 23's assisted entry), through the real
broker and store to the local SMS sink: their contact has no address, they are welcomed by text
(once, under redelivery) and never emailed, a later invitation reaches them by text alone, and
so does their link to sign in to My together (short)."""

import re
import uuid
from datetime import timedelta

import httpx
import pytest
from together_contracts import (
    VolunteerConfirmed,
    VolunteerConfirmedData,
    VolunteerProfile,
    VolunteerRegistered,
    VolunteerRegisteredData,
)
from together_contracts.sessions import SignInRequested, SignInRequestedData
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

from .test_texts_out import Texts, new_phone, proposal, sms_settings, sms_sink, texts

pytestmark = pytest.mark.integration
__all__ = ["sms_settings", "sms_sink", "texts"]


def registered_by_staff(person_id: uuid.UUID, phone: str) -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="signups",
        correlation_id="assisted",
        data=VolunteerRegisteredData(
            person_id=person_id,
            name="Gwen Harries",
            email=None,
            language="cy",
            phone=phone,
            channels=["sms"],
            signed_up_by="Siân",
            outward_code="CF10",
        ),
    )


def confirmed(person_id: uuid.UUID) -> VolunteerConfirmed:
    return VolunteerConfirmed(
        producer="signups",
        correlation_id="assisted",
        data=VolunteerConfirmedData(
            person_id=person_id,
            profile=VolunteerProfile(
                outward_code="CF10",
                interests=[],
                availability=[],
                travel_radius_km=5,
                language="cy",
                consents=["matched-events"],
            ),
        ),
    )


async def test_a_volunteer_without_an_email_is_welcomed_and_invited_by_text_alone(
    texts: Texts, rabbitmq_url: str
) -> None:
    person_id, phone = uuid.uuid4(), new_phone()
    joined = registered_by_staff(person_id, phone)
    await publish_event(rabbitmq_url, joined)
    await publish_event(rabbitmq_url, joined)  # redelivered
    await publish_event(rabbitmq_url, confirmed(person_id))

    [welcome] = await texts.wait_for(phone)
    contact = await eventually(
        lambda: texts.db["contacts"].find_one({"_id": str(person_id)}), what="the contact"
    )
    invitation = proposal(person_id)
    await publish_event(rabbitmq_url, invitation)
    [_, invited] = await texts.wait_for(phone, count=2)
    await texts.logged(str(invitation.id), "sms", status="sent")

    assert contact is not None
    assert welcome.body.startswith("together: Siân a'ch cofrestrodd fel gwirfoddolwr.")
    assert "CF10" in welcome.body
    assert "STOP" in welcome.body
    assert contact["email"] == ""
    assert contact["channels"] == ["sms"]
    assert "Reply YES" in invited.body or "Atebwch YES" in invited.body
    assert len(texts.sink.texts_to(phone)) == 2
    emails = await texts.db["messages"].find({"channel": "email"}).to_list()
    assert [m for m in emails if m.get("person_id") == str(person_id)] == []
    assert await texts.db["messages"].count_documents({"recipient": ""}) == 0


async def test_their_sign_in_link_is_texted_short_and_leads_to_the_link(
    texts: Texts, rabbitmq_url: str
) -> None:
    person_id, phone = uuid.uuid4(), new_phone()
    await publish_event(rabbitmq_url, registered_by_staff(person_id, phone))
    await eventually(
        lambda: texts.db["contacts"].find_one({"_id": str(person_id)}), what="the contact"
    )
    link = f"http://signups.test/my/sign-in/{'eyJ' + 'x' * 160}?next=%2Fmy%2Fevents"
    requested = SignInRequested(
        producer="signups",
        correlation_id="sign-in-by-text",
        data=SignInRequestedData(
            person_id=person_id, language="cy", sign_in_url=link, channel="sms"
        ),
    )
    await publish_event(rabbitmq_url, requested)

    [_, text] = await texts.wait_for(phone, count=2)
    await texts.logged(str(requested.id), "sms", status="sent")
    short = re.search(r"http://notifications\.test(/s/\w+)", text.body)
    assert short, text.body
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=texts.app), base_url="http://notifications.test"
    ) as client:
        followed = await client.get(short.group(1))

    assert text.body.startswith("together: eich dolen i fewngofnodi i Fy together: http")
    assert (text.segments, text.encoding) == (2, "GSM-7")
    assert link not in text.body
    assert followed.status_code == 303
    assert followed.headers["location"] == link
    kept = await texts.db["short_links"].find_one({"url": link})
    assert kept is not None
    assert kept["person_id"] == str(person_id)
    works_until = requested.occurred_at + timedelta(hours=1)
    assert kept["expires_on"].replace(microsecond=0) == works_until.replace(microsecond=0)
    assert await texts.db["messages"].count_documents({"cause_event_id": str(requested.id)}) == 1
