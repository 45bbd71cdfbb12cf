"""Erasure of someone notifications knows only by address (an organisation contact, a story author,
an event organiser): the request carries the keyed digest of the address, no person id."""

import uuid

import pytest
from bson import json_util
from together_contracts import (
    ErasureLinkRequested,
    ErasureLinkRequestedData,
    PersonAccessAnswered,
    PersonAccessRequested,
    PersonAccessRequestedData,
    PersonErased,
    PersonErasureRequested,
    PersonErasureRequestedData,
    email_digest,
)
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Notifications, Sink, join, unique_address

pytestmark = pytest.mark.integration


async def test_a_link_to_an_unknown_address_names_nobody_and_its_record_is_scrubbed(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    address = unique_address("Author")
    link = ErasureLinkRequested(
        producer="signups",
        correlation_id="forget-author",
        data=ErasureLinkRequestedData(
            request_id=uuid.uuid4(),
            email=address,
            language="cy",
            confirm_url="http://signups.test/forget/abc",
        ),
    )
    await publish_event(rabbitmq_url, link)
    [letter] = await smtp_sink.wait_for(address)
    body = letter.get_body(preferencelist=("plain",))
    assert body is not None
    assert "Helo," in str(body.get_content())
    assert "None" not in str(body.get_content())
    [stored] = await notifications.messages(recipient=address)
    assert stored["email_digest"] == email_digest(
        address, key=notifications.app.state.settings.erasure_digest_key
    )

    request = PersonErasureRequested(
        producer="signups",
        correlation_id="erase-author",
        data=PersonErasureRequestedData(
            erasure_id=uuid.uuid4(), email_digest=stored["email_digest"]
        ),
    )
    async with event_probe(rabbitmq_url, [PersonErased.routing_key]) as probe:
        await publish_event(rabbitmq_url, request)
        [answer] = await probe.wait_for(1)

    assert answer["data"] == {
        "erasure_id": str(request.data.erasure_id),
        "person_id": None,
        "service": "notifications",
    }

    async def holding() -> list[str]:
        found = []
        for name in await notifications.db.list_collection_names():
            documents = await notifications.db[name].find().to_list()
            if address in json_util.dumps(documents):
                found.append(name)
        return found

    assert await eventually(holding, until=lambda found: not found, what="no record") == []
    [tombstone] = await notifications.db["erasures"].find().to_list()
    assert tombstone["email_digest"] == request.data.email_digest
    assert address not in str(tombstone)


async def test_an_access_request_is_answered_with_the_contact_and_the_delivery_log(
    notifications: Notifications, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    person_id, address, _ = await join(rabbitmq_url, smtp_sink, name="Nia")
    key = notifications.app.state.settings.erasure_digest_key
    request = PersonAccessRequested(
        producer="signups",
        correlation_id="access",
        data=PersonAccessRequestedData(
            access_id=uuid.uuid4(), person_id=person_id, email_digest=email_digest(address, key=key)
        ),
    )
    async with event_probe(rabbitmq_url, [PersonAccessAnswered.routing_key]) as probe:
        await publish_event(rabbitmq_url, request)
        [answer] = await probe.wait_for(1)

    held = answer["data"]["held"]
    assert held["contact"]["email"] == address
    assert held["contact"]["person_id"] == str(person_id)
    [confirmation] = held["messages"]
    assert (confirmation["recipient"], confirmation["template"]) == (address, "volunteer_confirm")
    assert "context" not in confirmation, "its links are capabilities, not the person's data"
