"""The eager outbox on the real store: a write's events published at once by the writing process,
removed in batches, and the relay's sweep as the fallback when that process cannot finish."""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from together_contracts import VolunteerRegistered
from together_kit.messaging.eager import EagerOutbox
from together_kit.messaging.outbox import AggregateCollection, RelayStaging
from together_kit.messaging.relay import OutboxRelay
from together_kit.runtime import ServiceRuntime
from together_kit.settings import ServiceSettings
from together_kit.testing.commands import counting
from together_kit.testing.events import volunteer_registered
from together_kit.testing.outbox import EpochClock, renamed
from together_kit.testing.probe import event_probe
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration


async def test_writes_are_published_at_once_and_removed_in_batches(
    settings_for: Callable[..., ServiceSettings], rabbitmq_url: str
) -> None:
    """50 inserts: their events reach the broker, and the store sees the inserts plus a few bulk
    removals of one update each (no document was written again meanwhile); the relay never has
    to claim a document (its backstop sweep, every minute here, is not a write's cost)."""
    runtime = ServiceRuntime.build(settings_for(outbox_poll_seconds=60.0))
    people = runtime.aggregate("people")
    ids = [uuid.uuid4() for _ in range(50)]
    async with (
        event_probe(rabbitmq_url, [VolunteerRegistered.routing_key]) as probe,
        runtime.running(),
    ):
        await asyncio.sleep(0.5)  # the relay's first sweep at start is not the writes' cost
        with counting(runtime.settings.database_name) as counted:
            await asyncio.gather(
                *(
                    people.insert({"_id": str(i)}, [volunteer_registered(person_id=i, name="new")])
                    for i in ids
                )
            )
            events = await probe.wait_for(50)
            await eventually(runtime.relay.backlog, until=lambda n: n == 0, what="an empty outbox")
    assert {e["data"]["person_id"] for e in events} == {str(i) for i in ids}
    commands = counted.by_command
    assert commands["insert"] == 50
    assert commands["findAndModify"] <= 2, f"the relay claimed documents: {commands}"
    assert commands["update"] <= 25, f"removals were not batched: {commands}"
    # one update statement per document (the old removal sent two); a document the relay did
    # claim is removed by the relay's own update too
    removed = counted.statements["update"]
    assert 50 <= removed <= 50 + commands["findAndModify"], counted.statements


async def test_one_documents_events_keep_their_order_under_rapid_writes(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    people = runtime.aggregate("people")
    person_id = uuid.uuid4()
    async with (
        event_probe(rabbitmq_url, [VolunteerRegistered.routing_key]) as probe,
        runtime.running(),
    ):
        await people.insert(
            {"_id": str(person_id)}, [volunteer_registered(person_id=person_id, name="v0")]
        )
        for version in range(1, 8):
            await people.update(str(person_id), renamed(f"v{version}", person_id))
        events = await probe.wait_for(8)
        await eventually(runtime.relay.backlog, until=lambda n: n == 0, what="an empty outbox")
    assert [e["data"]["name"] for e in events] == [f"v{n}" for n in range(8)]


async def test_a_writer_that_dies_before_publishing_leaves_its_events_to_the_sweep(
    runtime: ServiceRuntime,
) -> None:
    """The writing process leased the document and never published (it died): no other relay
    touches it while the lease lasts; once it is over, a relay publishes every event, in order."""
    stuck = asyncio.Event()

    async def never(event: dict[str, Any]) -> None:
        await stuck.wait()

    clock = EpochClock()
    dying = EagerOutbox(publish=never, owner="dying", wake_relay=lambda _c: None, clock=clock)
    dying.start()
    people = AggregateCollection(runtime.db["people"], staging=dying)
    person_id = uuid.uuid4()
    await people.insert(
        {"_id": str(person_id)}, [volunteer_registered(person_id=person_id, name="a")]
    )
    await people.update(str(person_id), renamed("b", person_id))
    stored = await people.collection.find_one({"_id": str(person_id)})
    assert stored is not None
    assert stored["outbox_lease_owner"] == "dying"

    published: list[str] = []

    async def publish(event: dict[str, Any]) -> None:
        published.append(event["data"]["name"])

    sweeper = OutboxRelay(publish=publish, collections=[people.collection], clock=clock)
    assert await sweeper.drain() == 0, "the writer's lease keeps the relay away"
    clock.now += 31
    assert await sweeper.drain() == 2
    assert published == ["a", "b"]
    assert await sweeper.backlog() == 0


async def test_events_another_replica_left_are_published_before_this_writes_own(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    """A document already holding another replica's unpublished event is not leased by this
    writer: the relay publishes both, the older first."""
    other = AggregateCollection(runtime.db["people"], staging=RelayStaging(wake=lambda: None))
    person_id = uuid.uuid4()
    await other.insert(
        {"_id": str(person_id)}, [volunteer_registered(person_id=person_id, name="theirs")]
    )
    people = runtime.aggregate("people")
    async with (
        event_probe(rabbitmq_url, [VolunteerRegistered.routing_key]) as probe,
        runtime.running(),
    ):
        await people.update(str(person_id), renamed("ours", person_id))
        events = await probe.wait_for(2)
    assert [e["data"]["name"] for e in events] == ["theirs", "ours"]


async def test_a_failed_publish_is_left_to_the_relay_and_nothing_is_lost(
    runtime: ServiceRuntime,
) -> None:
    attempts: list[str] = []
    relayed: list[str] = []
    woken: list[str] = []

    async def flaky(event: dict[str, Any]) -> None:
        attempts.append(event["data"]["name"])
        if event["data"]["name"] == "b":
            raise ConnectionError("broker went away")

    clock = EpochClock()
    eager = EagerOutbox(
        publish=flaky, owner="me", wake_relay=lambda c: woken.append(c.name), clock=clock
    )
    eager.start()
    people = AggregateCollection(runtime.db["people"], staging=eager)
    person_id = uuid.uuid4()
    await people.insert(
        {"_id": str(person_id)},
        [volunteer_registered(person_id=person_id, name=n) for n in ("a", "b", "c")],
    )
    await eager.close()
    assert attempts == ["a", "b"]
    assert woken == ["people"]
    stored = await people.collection.find_one({"_id": str(person_id)})
    assert stored is not None
    assert [e["data"]["name"] for e in stored["outbox"]] == ["b", "c"]

    async def publish(event: dict[str, Any]) -> None:
        relayed.append(event["data"]["name"])

    relay = OutboxRelay(publish=publish, collections=[people.collection], clock=clock)
    assert await relay.drain() == 0, "held back for a pause after the failure"
    clock.now += 1.5
    assert await relay.drain() == 2
    assert relayed == ["b", "c"]


async def test_concurrent_writes_to_one_document_publish_each_event_once(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    """Thirty writers race for one document (optimistic retries): every event is published, and
    none twice, although removals give the lease back while later writes are leasing it again."""
    people = runtime.aggregate("people")
    person_id = uuid.uuid4()
    async with (
        event_probe(rabbitmq_url, [VolunteerRegistered.routing_key]) as probe,
        runtime.running(),
    ):
        await people.insert(
            {"_id": str(person_id)}, [volunteer_registered(person_id=person_id, name="v0")]
        )
        await asyncio.gather(
            *(
                people.update(str(person_id), renamed(f"v{n}", person_id), attempts=60)
                for n in range(1, 31)
            )
        )
        await probe.wait_for(31)
        await eventually(runtime.relay.backlog, until=lambda n: n == 0, what="an empty outbox")
        await asyncio.sleep(3 * runtime.settings.outbox_poll_seconds)  # the relay's sweeps
    ids = [e["id"] for e in probe.events]
    assert len(ids) == 31
    assert len(set(ids)) == 31


@dataclass
class HeldRemovals:
    """The eager outbox's removal writes held until `landing` is set; `writes` counts their
    operations and `sent` is set at the first."""

    sent: asyncio.Event = field(default_factory=asyncio.Event)
    landing: asyncio.Event = field(default_factory=asyncio.Event)
    writes: list[int] = field(default_factory=list)

    def hold(self, collection: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        bulk_write = collection.bulk_write

        async def held(operations: list[Any], **options: Any) -> Any:
            self.writes.append(len(operations))
            self.sent.set()
            await self.landing.wait()
            return await bulk_write(operations, **options)

        monkeypatch.setattr(collection, "bulk_write", held)


async def relayed_names(collection: Any, clock: EpochClock) -> list[str]:
    """What a relay's pass publishes from `collection`, by name."""
    relayed: list[str] = []

    async def publish(event: dict[str, Any]) -> None:
        relayed.append(event["data"]["name"])

    await OutboxRelay(publish=publish, collections=[collection], clock=clock).drain()
    return relayed


async def test_a_write_while_its_removal_is_on_its_way_is_left_to_the_relay(
    runtime: ServiceRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The removal of a document this process wrote once is one update that assumes the lease
    it published under. While it is on its way, a write of the same document takes no lease:
    the relay, woken again once the removal lands, publishes the new event after the first."""
    published: list[str] = []
    woken: list[str] = []

    async def publish(event: dict[str, Any]) -> None:
        published.append(event["data"]["name"])

    clock = EpochClock()
    eager = EagerOutbox(
        publish=publish, owner="me", wake_relay=lambda c: woken.append(c.name), clock=clock
    )
    people = AggregateCollection(runtime.db["people"], staging=eager)
    removals = HeldRemovals()
    removals.hold(people.collection, monkeypatch)
    eager.start()
    person_id = uuid.uuid4()
    await people.insert(
        {"_id": str(person_id)}, [volunteer_registered(person_id=person_id, name="a")]
    )
    await removals.sent.wait()
    await people.update(str(person_id), renamed("b", person_id))
    assert woken == ["people"], "the write took no lease: the relay's"
    removals.landing.set()
    await eager.close()
    assert woken == ["people", "people"], "woken again once the removal landed"
    stored = await people.collection.find_one({"_id": str(person_id)})
    assert stored is not None
    assert [e["data"]["name"] for e in stored["outbox"]] == ["b"]
    assert stored["outbox_lease_until"] == 0
    assert (published, await relayed_names(people.collection, clock)) == (["a"], ["b"])


async def test_events_another_replica_adds_before_the_removal_lands_stay_for_the_relay(
    runtime: ServiceRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The removal empties the outbox only while it holds nothing but the events this process
    published; another replica's event added meanwhile stays (this process's are pulled by a
    second write) and the relay publishes it."""

    async def ignore(event: dict[str, Any]) -> None:
        pass

    clock = EpochClock()
    eager = EagerOutbox(publish=ignore, owner="me", wake_relay=lambda _c: None, clock=clock)
    people = AggregateCollection(runtime.db["people"], staging=eager)
    other = AggregateCollection(runtime.db["people"], staging=RelayStaging(wake=lambda: None))
    removals = HeldRemovals()
    removals.hold(people.collection, monkeypatch)
    eager.start()
    person_id = uuid.uuid4()
    await people.insert(
        {"_id": str(person_id)}, [volunteer_registered(person_id=person_id, name="ours")]
    )
    await removals.sent.wait()
    await other.update(str(person_id), renamed("theirs", person_id))
    removals.landing.set()
    await eager.close()
    assert removals.writes == [1, 1], "emptying refused, then a pull of this process's event"
    stored = await people.collection.find_one({"_id": str(person_id)})
    assert stored is not None
    assert [e["data"]["name"] for e in stored["outbox"]] == ["theirs"]
    assert (stored["outbox_pending"], stored["outbox_lease_until"]) == (1, 0)
    assert await relayed_names(people.collection, clock) == ["theirs"]
