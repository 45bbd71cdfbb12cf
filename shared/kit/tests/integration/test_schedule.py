"""Periodic jobs claim each interval with a lease in the real store, so replicas run them once."""

import asyncio
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from together_kit.schedule import JobLeases, cancel_all, run_every
from together_kit.testing.outbox import EpochClock

pytestmark = pytest.mark.integration


async def test_one_replica_wins_each_interval(mongodb_url: str, database_name: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    try:
        jobs = client[database_name]["jobs"]
        clock = EpochClock(1_000_000.0)
        replicas = [JobLeases(jobs, clock=clock) for _ in range(5)]

        async def round_of_claims() -> int:
            won = await asyncio.gather(*(r.claim("purge", seconds=60) for r in replicas))
            return sum(won)

        assert await round_of_claims() == 1
        assert await round_of_claims() == 0, "the lease holds until it runs out"
        clock.now += 61
        assert await round_of_claims() == 1
    finally:
        await client.close()


async def test_a_first_turn_ends_when_its_run_ends_or_another_replica_holds_the_job(
    mongodb_url: str, database_name: str
) -> None:
    """What a test that runs a job by hand waits for (`ServiceRuntime.first_turns`): the run
    the app started has ended, whether it did the work, found it leased, or failed."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    release = asyncio.Event()
    ran: list[str] = []

    async def slow() -> None:
        ran.append("slow")
        await release.wait()

    async def failing() -> None:
        ran.append("failing")
        raise RuntimeError("the job's dependency is away")

    try:
        jobs = client[database_name]["jobs"]
        turns = {name: asyncio.Event() for name in ("first", "second", "failing")}
        tasks = [
            asyncio.create_task(
                run_every(JobLeases(jobs), name="sweep", seconds=3600, job=slow, first_turn=turn)
            )
            for turn in (turns["first"], turns["second"])
        ]
        tasks.append(
            asyncio.create_task(
                run_every(
                    JobLeases(jobs),
                    name="flaky",
                    seconds=3600,
                    job=failing,
                    first_turn=turns["failing"],
                )
            )
        )
        await asyncio.wait_for(turns["failing"].wait(), 10)
        await asyncio.wait_for(_either(turns["first"], turns["second"]), 10)
        settled_before_release = sorted(n for n in ("first", "second") if turns[n].is_set())
        release.set()
        await asyncio.wait_for(asyncio.gather(*(t.wait() for t in turns.values())), 10)
        await cancel_all(tasks)
    finally:
        await client.close()

    assert sorted(ran) == [
        "failing",
        "slow",
    ]  # one replica ran the sweep, the other found it leased
    assert len(settled_before_release) == 1, "the replica running it is not done before its run"


async def _either(*events: asyncio.Event) -> None:
    waits = [asyncio.create_task(event.wait()) for event in events]
    _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for wait in pending:
        wait.cancel()
