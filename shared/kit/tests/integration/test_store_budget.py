"""Store commands per event through the consumer guard, counted (not timed) on the real store."""

import asyncio
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError
from together_contracts import VolunteerRegistered
from together_kit.messaging.consuming import AlreadyHandled
from together_kit.messaging.subscriptions import keyed, subscribe
from together_kit.runtime import ServiceRuntime
from together_kit.testing.commands import counting
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import publish_events
from together_kit.testing.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.budget]

EVENTS = 50


async def test_a_keyed_handler_costs_its_own_write_and_no_inbox(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    """An inbox-guarded event whose handler writes one document: the handler's write, plus at
    most 0.3 per event for everything else (the relay's sweeps), where the separate inbox cost 2."""
    recorded = runtime.db["recorded"]

    async def record(event: Any, _ctx: None) -> None:
        try:
            await recorded.insert_one({"_id": str(event.id), "name": event.data.name})
        except DuplicateKeyError as error:
            raise AlreadyHandled from error

    subscribe(
        runtime,
        "volunteers",
        {VolunteerRegistered: [keyed(record)]},
        ctx=None,
        about="Record each volunteer once.",
    )
    events = [volunteer_registered(name=f"v{n}") for n in range(EVENTS)]
    async with runtime.running():
        await asyncio.sleep(0.5)  # start-up's sweeps and index builds are not the events' cost
        with counting(runtime.settings.database_name) as counted:
            await publish_events(rabbitmq_url, events)

            async def stored() -> int:
                return await recorded.count_documents({})

            await eventually(stored, until=lambda n: n == EVENTS, what="every event recorded")
        stored_commands = counted.by_command.copy()
    # the count's own polling is not the handler's cost
    counted.by_command["aggregate"] -= stored_commands["aggregate"]
    per_event = counted.record(
        "an inbox-guarded event whose handler writes one document", operations=EVENTS, goal=1.3
    )
    assert per_event <= 1.3, dict(counted.by_command)
    assert counted.by_command["insert"] == EVENTS
