"""A volunteer staff signed up with only a mobile (issue 23's assisted entry), through the real
broker and store to the local SMS sink: their contact has no address, they are welcomed by text
(once, under redelivery) and never emailed, and a later invitation reaches them by text alone."""

import uuid

import pytest
from together_contracts import (
    VolunteerConfirmed,
    VolunteerConfirmedData,
    VolunteerProfile,
    VolunteerRegistered,
    VolunteerRegisteredData,
)
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
