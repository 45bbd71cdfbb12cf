"""A consumer's handler gets its event validated from the message's JSON, with FastStream's
dependency injection off (`together_kit.messaging.consuming.validating`)."""

from typing import Any

import pytest
from pydantic import ValidationError
from together_contracts import IntegrationEvent, VolunteerConfirmed, VolunteerRegistered
from together_kit.http.health import asyncapi_document
from together_kit.messaging.consuming import validating
from together_kit.messaging.subscriptions import event_model, subscribe
from together_kit.runtime import ServiceRuntime
from together_kit.settings import ServiceSettings
from together_kit.testing.events import volunteer_confirmed, volunteer_registered

pytestmark = pytest.mark.unit

Either = event_model({VolunteerRegistered: [], VolunteerConfirmed: []})
"""What `subscribe` annotates a two-event table's handler with."""


@pytest.fixture
def received() -> list[IntegrationEvent]:
    return []


@pytest.fixture
def handler(received: list[IntegrationEvent]) -> Any:
    async def on_event(event: Either) -> None:
        received.append(event)

    return on_event


async def test_each_body_reaches_the_handler_as_the_model_its_type_names(
    handler: Any, received: list[IntegrationEvent]
) -> None:
    registered, confirmed = volunteer_registered(), volunteer_confirmed()
    validated = validating(handler)

    await validated(registered.model_dump_json().encode())
    await validated(confirmed.model_dump_json().encode())

    assert received == [registered, confirmed]
    assert [type(event) for event in received] == [VolunteerRegistered, VolunteerConfirmed]


@pytest.mark.parametrize(
    "body",
    [b'{"id": "not even an envelope"', b'{"type": "volunteer.registered"}', b"\xff"],
    ids=["broken JSON", "not an event", "not UTF-8"],
)
async def test_a_body_that_is_not_an_event_raises_what_the_guard_dead_letters(
    body: bytes, handler: Any, received: list[IntegrationEvent]
) -> None:
    with pytest.raises(ValidationError):
        await validating(handler)(body)
    assert received == []


def test_the_asyncapi_document_still_names_every_event_a_consumer_reads() -> None:
    runtime = ServiceRuntime.build(ServiceSettings(service_name="kit-unit", port=8999))

    async def handled(event: Any, ctx: Any) -> None: ...

    subscribe(
        runtime,
        "volunteers",
        {VolunteerRegistered: [handled], VolunteerConfirmed: [handled]},
        ctx=None,
        about="Count volunteers.",
    )

    document = asyncapi_document(runtime, title="kit-unit")

    payloads = str(document["components"]["messages"]) + str(document["components"]["schemas"])
    assert "VolunteerRegistered" in payloads
    assert "VolunteerConfirmed" in payloads
