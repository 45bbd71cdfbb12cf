"""Periodic jobs claim each interval with a lease in the real store, so replicas run them once."""

import asyncio
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from together_kit.schedule import JobLeases
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
