"""Periodic jobs claim each interval with a lease in the real store, so replicas run them once."""

import asyncio
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from together_kit.schedule import JobLeases, cancel_all, run_every
from together_kit.testing.outbox import EpochClock
from together_kit.testing.waiting import eventually

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

    turns = {name: asyncio.Event() for name in ("first", "second", "failing")}
    tasks = []
    try:
        jobs = client[database_name]["jobs"]
        for turn in (turns["first"], turns["second"]):
            sweep = run_every(
                JobLeases(jobs), name="sweep", seconds=3600, job=slow, first_turn=turn
            )
            tasks.append(asyncio.create_task(sweep))
        flaky = run_every(
            JobLeases(jobs), name="flaky", seconds=3600, job=failing, first_turn=turns["failing"]
        )
        tasks.append(asyncio.create_task(flaky))

        async def sweeps_over() -> int:
            return turns["first"].is_set() + turns["second"].is_set()

        over_while_running = await eventually(sweeps_over, what="the lease loser's first turn")
        await asyncio.sleep(0.2)  # the runner's turn must not end while its run goes on
        still_over_while_running = await sweeps_over()
        release.set()
        await asyncio.wait_for(asyncio.gather(*(t.wait() for t in turns.values())), 10)
    finally:
        await cancel_all(tasks)
        await client.close()

    assert sorted(ran) == ["failing", "slow"]  # one replica ran the sweep, one found it leased
    assert (over_while_running, still_over_while_running) == (1, 1)
