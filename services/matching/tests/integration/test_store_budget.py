"""Store commands per `volunteer.confirmed`, counted on matching's database (issue 20).

Matching runs in-process on the real broker and store. After a warm-up that fills the geocode
cache for the districts used, N confirmations of new volunteers in those districts, with no
event to propose, go through matching's consumer; every command matching's database sees meanwhile
is counted (together_kit.testing.commands). The test waits on matching's own consumed counter, not
on the store, so that its waiting adds no command to the count; then, uncounted, until every
profile is stored (a test before may have left a volunteer event in the shared queue, which this
app then takes and counts instead of one of these).
"""

import asyncio
from collections.abc import AsyncIterator

import pytest
from together_kit.testing.commands import counting
from together_kit.testing.events import volunteer_confirmed
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

from .conftest import Matching, StartMatching

pytestmark = [pytest.mark.integration, pytest.mark.budget]

OUTCOMES = ("processed", "duplicate", "retried", "dead")
DISTRICTS = ("M1", "M2", "LS1", "CF10")
CONFIRMATIONS = 40
OPERATION = "matching's handling of volunteer.confirmed"
GOAL = 3


def consumed(matching: Matching) -> int:
    """`volunteer.confirmed` events matching's consumer has taken, whatever the outcome."""
    return sum(matching.consumed("volunteer.confirmed", outcome) for outcome in OUTCOMES)


@pytest.fixture
async def matching(start_matching: StartMatching) -> AsyncIterator[Matching]:
    """Matching whose relay does not sweep during the count (these writes stage no events)."""
    async with start_matching(outbox_poll_seconds=3600) as app:
        yield app


async def test_a_confirmation_costs_at_most_three_store_commands(matching: Matching) -> None:
    for district in DISTRICTS:
        await matching.confirm_volunteer(outward_code=district)
    warmed = consumed(matching)
    events = [
        volunteer_confirmed(outward_code=DISTRICTS[n % len(DISTRICTS)])
        for n in range(CONFIRMATIONS)
    ]

    with counting(matching.db.name) as counted:
        await asyncio.gather(*(publish_event(matching.rabbitmq_url, event) for event in events))

        async def taken() -> int:
            return consumed(matching) - warmed

        await eventually(taken, until=lambda n: n >= CONFIRMATIONS, timeout=60, what="consumed")

    ours = {"_id": {"$in": [str(event.data.person_id) for event in events]}}
    stored = await eventually(
        lambda: matching.db["volunteers"].count_documents(ours),
        until=lambda n: n == CONFIRMATIONS,
        what="every profile stored",
    )
    assert stored == CONFIRMATIONS
    per_event = counted.record(OPERATION, operations=CONFIRMATIONS, goal=GOAL)
    assert per_event <= GOAL, dict(counted.by_command)
