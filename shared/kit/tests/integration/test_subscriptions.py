"""Subscription tables against the real broker and store: routing, order, `then`, the guard."""

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError
from together_contracts import VolunteerConfirmed, VolunteerConfirmedData, VolunteerRegistered
from together_kit.messaging.consuming import AlreadyHandled
from together_kit.messaging.subscriptions import Table, describe, keyed, subscribe, then
from together_kit.runtime import ServiceRuntime
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration


class Journal:
    """The handlers' shared context: what each one saw, in order."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.failures_left = 0

    def step(self, name: str) -> Callable[[Any, "Journal"], Any]:
        async def handler(event: Any, ctx: Journal) -> str:
            if ctx.failures_left:
                ctx.failures_left -= 1
                raise RuntimeError("failed on purpose")
            ctx.seen.append(f"{name}:{event.data.name if hasattr(event.data, 'name') else ''}")
            return str(event.id)

        handler.__name__ = name
        return handler


def volunteer_confirmed() -> VolunteerConfirmed:
    [example] = VolunteerConfirmedData.model_json_schema()["examples"]
    return VolunteerConfirmed(
        producer="tests", correlation_id="test", data=VolunteerConfirmedData.model_validate(example)
    )


async def _seen(journal: Journal) -> list[str]:
    return journal.seen


async def test_each_event_runs_its_handlers_in_order_and_then_follows_a_result(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    journal = Journal()

    async def nothing(event: Any, ctx: Journal) -> None:
        ctx.seen.append("nothing")

    async def follow(result: str, ctx: Journal) -> None:
        ctx.seen.append(f"followed {result}")

    table: Table = {
        VolunteerRegistered: [journal.step("record"), journal.step("confirm")],
        VolunteerConfirmed: [then(journal.step("publish"), follow), then(nothing, follow)],
    }
    subscribe(runtime, "volunteers", table, ctx=journal, about="Record and confirm.")
    registered = volunteer_registered(name="Ann")
    confirmed = volunteer_confirmed()
    async with runtime.running():
        await publish_event(rabbitmq_url, registered)
        await eventually(lambda: _seen(journal), until=lambda s: len(s) == 2, what="registered")
        await publish_event(rabbitmq_url, confirmed)
        await eventually(lambda: _seen(journal), until=lambda s: len(s) == 5, what="confirmed")
    assert journal.seen == [
        "record:Ann",
        "confirm:Ann",
        "publish:",
        f"followed {confirmed.id}",
        "nothing",
    ]


async def test_a_failing_handler_retries_the_event_through_the_guard(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    journal = Journal()
    journal.failures_left = 1
    subscribe(
        runtime,
        "volunteers",
        {VolunteerRegistered: [journal.step("record")]},
        ctx=journal,
        about="Record.",
    )
    async with runtime.running():
        await publish_event(rabbitmq_url, volunteer_registered(name="Bo"))
        await eventually(lambda: _seen(journal), until=lambda s: s == ["record:Bo"], what="retried")


def test_describe_names_each_routing_key_and_its_handlers() -> None:
    journal = Journal()

    async def follow(result: str, ctx: Journal) -> None: ...

    table: Table = {
        VolunteerRegistered: [journal.step("record")],
        VolunteerConfirmed: [then(journal.step("publish"), follow)],
    }
    assert describe(table) == {
        "volunteer.registered": ["test_subscriptions.record"],
        "volunteer.confirmed": ["test_subscriptions.publish then test_subscriptions.follow"],
    }


async def test_a_keyed_handler_is_its_own_inbox(runtime: ServiceRuntime, rabbitmq_url: str) -> None:
    """All handlers of `volunteer.registered` are keyed: the guard writes no inbox record, and a
    redelivery the handler finds done (`AlreadyHandled`) counts as a duplicate, not a failure."""
    done = runtime.db["done"]

    async def record(event: Any, ctx: Journal) -> None:
        try:
            await done.insert_one({"_id": str(event.id)})
        except DuplicateKeyError as error:
            raise AlreadyHandled from error
        ctx.seen.append("recorded")

    journal = Journal()
    subscribe(
        runtime,
        "volunteers",
        {VolunteerRegistered: [keyed(record)], VolunteerConfirmed: [journal.step("confirm")]},
        ctx=journal,
        about="Record, keyed by the event id.",
    )
    registered = volunteer_registered(name="Ann")
    confirmed = volunteer_confirmed()
    async with runtime.running():
        for event in (registered, registered, confirmed):
            await publish_event(rabbitmq_url, event)

        async def outcomes() -> Counter[str]:
            counted: Counter[str] = Counter()
            for metric in runtime.metrics.consumed.collect():
                for sample in metric.samples:
                    if sample.name.endswith("_total"):
                        counted[sample.labels["outcome"]] += int(sample.value)
            return counted

        await eventually(
            outcomes, until=lambda o: sum(o.values()) == 3, what="three events consumed"
        )
        inboxed = [d["event_id"] async for d in runtime.inbox.collection.find({})]
    assert journal.seen == ["recorded", "confirm:"]
    assert (await outcomes())["duplicate"] == 1
    assert inboxed == [str(confirmed.id)], "only the unkeyed event goes through the inbox"
    assert describe({VolunteerRegistered: [keyed(record)]}) == {
        "volunteer.registered": ["test_subscriptions.record"]
    }
