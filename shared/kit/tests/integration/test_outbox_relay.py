"""The outbox and its relay against the real store and broker."""

import asyncio
import uuid
from typing import Any

import pytest
from together_contracts import VolunteerRegistered
from together_kit.messaging.outbox import AggregateCollection, ConcurrentWriteError, RelayStaging
from together_kit.messaging.relay import OutboxRelay
from together_kit.runtime import ServiceRuntime
from together_kit.testing.events import volunteer_registered
from together_kit.testing.outbox import EpochClock, renamed
from together_kit.testing.probe import event_probe
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration


async def test_relay_publishes_each_aggregates_events_in_order(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    people = runtime.aggregate("people")
    ids = [uuid.uuid4() for _ in range(5)]
    async with (
        event_probe(rabbitmq_url, [VolunteerRegistered.routing_key]) as probe,
        runtime.running(),
    ):
        for person_id in ids:
            await people.insert(
                {"_id": str(person_id)}, [volunteer_registered(person_id=person_id, name="v0")]
            )
        for version in range(1, 4):
            for person_id in ids:
                await people.update(str(person_id), renamed(f"v{version}", person_id))
        events = await probe.wait_for(20)
        # the last event can reach the probe before the relay, told by its confirm, removes it
        await eventually(runtime.relay.backlog, until=lambda n: n == 0, what="an empty outbox")
    for person_id in ids:
        names = [e["data"]["name"] for e in events if e["data"]["person_id"] == str(person_id)]
        assert names == ["v0", "v1", "v2", "v3"]
    assert len({e["id"] for e in events}) == 20


async def test_second_writer_with_a_stale_version_loses(runtime: ServiceRuntime) -> None:
    people = runtime.aggregate("people")
    await people.insert({"_id": "p1", "name": "first"}, [])
    interloper_wrote = False

    async def stale_change(current: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        nonlocal interloper_wrote
        if not interloper_wrote:
            interloper_wrote = True
            await people.collection.update_one(
                {"_id": "p1"}, {"$set": {"name": "interloper"}, "$inc": {"version": 1}}
            )
        return {"name": f"{current['name']}+mine"}, []

    updated = await people.update("p1", stale_change)
    assert updated["name"] == "interloper+mine"
    assert updated["version"] == 3

    async def always_stale(current: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        await people.collection.update_one({"_id": "p1"}, {"$inc": {"version": 1}})
        return {"name": "never"}, []

    with pytest.raises(ConcurrentWriteError):
        await people.update("p1", always_stale, attempts=3)
    stored = await people.collection.find_one({"_id": "p1"})
    assert stored is not None
    assert stored["name"] == "interloper+mine"


async def test_events_left_by_a_relay_that_died_are_swept_up(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    """A relay claims a document and dies before publishing; another relay publishes once the lease ends."""
    people: AggregateCollection = runtime.aggregate("people")
    published: list[dict[str, Any]] = []

    async def publish(event: dict[str, Any]) -> None:
        published.append(event)

    person_id = uuid.uuid4()
    await people.insert(
        {"_id": str(person_id)},
        [
            volunteer_registered(person_id=person_id, name="a"),
            volunteer_registered(person_id=person_id, name="b"),
        ],
    )
    clock = EpochClock()
    dead = OutboxRelay(
        publish=publish, collections=[people.collection], lease_seconds=30, clock=clock
    )
    assert await dead.claim(people.collection) is not None

    sweeper = OutboxRelay(
        publish=publish, collections=[people.collection], lease_seconds=30, clock=clock
    )
    assert await sweeper.drain() == 0, "a live lease must keep other relays away"
    clock.now += 31
    assert await sweeper.drain() == 2
    assert [e["data"]["name"] for e in published] == ["a", "b"]
    assert await sweeper.backlog() == 0


async def test_a_publish_failure_keeps_the_unpublished_events(runtime: ServiceRuntime) -> None:
    people = runtime.aggregate("people")
    attempts: list[str] = []

    async def flaky(event: dict[str, Any]) -> None:
        attempts.append(event["data"]["name"])
        if event["data"]["name"] == "b" and attempts.count("b") == 1:
            raise ConnectionError("broker went away")

    person_id = uuid.uuid4()
    await people.insert(
        {"_id": str(person_id)},
        [volunteer_registered(person_id=person_id, name=n) for n in ("a", "b", "c")],
    )
    clock = EpochClock()
    relay = OutboxRelay(publish=flaky, collections=[people.collection], clock=clock)
    with pytest.raises(ConnectionError):
        await relay.drain()
    stored = await people.collection.find_one({"_id": str(person_id)})
    assert stored is not None
    assert [e["data"]["name"] for e in stored["outbox"]] == ["b", "c"]
    assert await relay.drain() == 0, "a failed document is held back for a second"
    clock.now += 1.5
    assert await relay.drain() == 2
    assert attempts == ["a", "b", "b", "c"]


async def test_a_claim_whose_reply_was_lost_is_released_without_waiting_out_the_lease(
    runtime: ServiceRuntime,
) -> None:
    """The store applied a claim but the connection broke before its reply: the relay holds a
    lease on a document it never saw, and after a failed pass gives its own leases back."""
    people = runtime.aggregate("people")
    published: list[dict[str, Any]] = []

    async def publish(event: dict[str, Any]) -> None:
        published.append(event)

    person_id = uuid.uuid4()
    await people.insert(
        {"_id": str(person_id)}, [volunteer_registered(person_id=person_id, name="a")]
    )
    other = uuid.uuid4()
    await people.insert({"_id": str(other)}, [volunteer_registered(person_id=other, name="b")])
    clock = EpochClock()
    relay = OutboxRelay(publish=publish, collections=[people.collection], clock=clock)
    rival = OutboxRelay(publish=publish, collections=[people.collection], clock=clock)
    assert await relay.claim(people.collection) is not None  # ...and its reply never arrived
    assert await rival.claim(people.collection) is not None  # a live relay's lease
    assert await relay.drain() == 0

    assert await relay.release_own_leases() == 1, "only its own lease"
    assert await relay.drain() == 1
    assert len(published) == 1
    assert await relay.backlog() == 1, "the rival's document waits for the rival"


async def test_a_wake_drains_the_collection_written_to_and_a_sweep_comes_however_busy(
    runtime: ServiceRuntime,
) -> None:
    """Events staged in `people` wake the relay for `people` alone; `groups`, written by another
    replica (no wake here), waits for the sweep due once a poll interval, which comes although
    `people` keeps waking the relay meanwhile."""
    published: list[str] = []

    async def publish(event: dict[str, Any]) -> None:
        published.append(event["data"]["name"])

    relay = OutboxRelay(publish=publish, poll_seconds=3.0)
    people = AggregateCollection(
        runtime.db["people"], staging=RelayStaging(wake=lambda: relay.wake(people.collection))
    )
    groups = AggregateCollection(runtime.db["groups"], staging=RelayStaging(wake=lambda: None))
    relay.watch(people.collection)
    relay.watch(groups.collection)
    running = asyncio.create_task(relay.run())
    await asyncio.sleep(1.0)  # its first pass, a sweep of both (empty) collections, is over
    try:
        await groups.insert(
            {"_id": "g"},
            [volunteer_registered(person_id=uuid.uuid4(), name="from another replica")],
        )
        await people.insert(
            {"_id": "p0"}, [volunteer_registered(person_id=uuid.uuid4(), name="staged here")]
        )
        await eventually(lambda: _value(published), until=lambda p: "staged here" in p)
        assert published == ["staged here"]
        assert await groups.collection.count_documents({"outbox_pending": {"$gt": 0}}) == 1

        for n in range(1, 100):
            await people.insert(
                {"_id": f"p{n}"}, [volunteer_registered(person_id=uuid.uuid4(), name=f"busy {n}")]
            )
            await asyncio.sleep(0.1)
            if swept_while_busy := "from another replica" in published:
                break
    finally:
        relay.stop()
        await asyncio.wait_for(running, timeout=30)
    assert swept_while_busy, "no sweep while the relay was kept busy"
    assert await relay.backlog() == 0


async def _value(published: list[str]) -> list[str]:
    return list(published)


async def test_a_known_copy_saves_the_read_and_a_stale_one_is_read_again(
    runtime: ServiceRuntime,
) -> None:
    people = runtime.aggregate("people")
    await people.insert({"_id": "k", "name": "first", "visits": 0}, [])
    copy = await people.collection.find_one({"_id": "k"})
    assert copy is not None

    def visit(current: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        return {"visits": current["visits"] + 1}, []

    written = await people.update("k", visit, known=copy)
    assert (written["visits"], written["version"]) == (1, 2)

    stale = copy  # version 1: the store holds version 2
    written = await people.update("k", visit, known=stale)
    assert (written["visits"], written["version"]) == (2, 3)

    def only_if_never_visited(current: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        return ({"name": "fresh"}, []) if current["visits"] == 0 else ({}, [])

    unchanged = await people.update("k", only_if_never_visited, known=stale)
    assert (unchanged["name"], unchanged["version"]) == ("first", 3)
    stored = await people.collection.find_one({"_id": "k"})
    assert stored is not None
    assert (stored["name"], stored["visits"], stored["version"]) == ("first", 2, 3)

    def once_a_regular(current: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        return ({"name": "regular"}, []) if current["visits"] == 2 else ({}, [])

    written = await people.update("k", once_a_regular, known=stale)  # a no-op by the stale copy
    assert (written["name"], written["version"]) == ("regular", 4)


async def test_documents_inserted_together_publish_their_events_and_a_taken_id_is_left_out(
    runtime: ServiceRuntime, rabbitmq_url: str
) -> None:
    people = runtime.aggregate("people")
    first, taken, last = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await people.insert({"_id": str(taken), "name": "already here"}, [])
    async with (
        event_probe(rabbitmq_url, [VolunteerRegistered.routing_key]) as probe,
        runtime.running(),
    ):
        inserted = await people.insert_new(
            [
                (
                    {"_id": str(person), "name": name},
                    [volunteer_registered(person_id=person, name=name)],
                )
                for person, name in ((first, "a"), (taken, "b"), (last, "c"))
            ]
        )
        assert inserted == [str(first), str(last)]
        events = await probe.wait_for(2)
        await eventually(runtime.relay.backlog, until=lambda n: n == 0, what="an empty outbox")
        kept = await people.collection.find_one({"_id": str(taken)})
        assert await people.insert_new([]) == []
    assert sorted(e["data"]["name"] for e in events) == ["a", "c"]
    assert kept is not None
    assert (kept["name"], kept["version"], kept["outbox"]) == ("already here", 1, [])
