"""The shared rate limiter on the real store: replicas, each with its own client, count together.

Behind the ingress a service runs as several replicas; a per-process count would let a client
through once per replica. Here two limiters, each on its own connection to the same database
(as two replicas are), share one count, also when they are hit at the same moment.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from together_kit.ratelimit import SharedRateLimiter

pytestmark = pytest.mark.integration

Document = dict[str, Any]


@pytest.fixture
async def replicas(
    mongodb_url: str, database_name: str
) -> AsyncIterator[tuple[AsyncCollection[Document], AsyncCollection[Document]]]:
    """The `rate_limits` collection as two replicas see it: through two clients of their own."""
    first: AsyncMongoClient[Document] = AsyncMongoClient(mongodb_url, tz_aware=True)
    second: AsyncMongoClient[Document] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        yield first[database_name]["rate_limits"], second[database_name]["rate_limits"]
    finally:
        await first.close()
        await second.close()


async def test_two_replicas_share_one_count(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    one, two = (SharedRateLimiter("3/minute", windows) for windows in replicas)
    await one.ensure_indexes()

    allowed = [await one.acquire("join:ann"), await two.acquire("join:ann")]
    allowed.append(await one.acquire("join:ann"))
    refused_by_two = await two.acquire("join:ann")
    refused_by_one = await one.acquire("join:ann")

    assert allowed == [None, None, None]
    assert refused_by_two is not None
    assert 1 <= refused_by_two <= 60
    assert refused_by_one is not None
    assert await two.acquire("join:bob") is None


async def test_hits_at_the_same_moment_take_each_place_once(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    one, two = (SharedRateLimiter("3/minute", windows) for windows in replicas)

    answers = await asyncio.gather(*(limiter.acquire("share:x") for limiter in [one, two] * 4))

    assert answers.count(None) == 3
    assert all(wait is not None and wait >= 1 for wait in answers if wait is not None)


async def test_the_window_moves(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    now = [1_000_000.0]
    one, two = (SharedRateLimiter("2/minute", w, clock=lambda: now[0]) for w in replicas)

    assert await one.acquire("events:ann") is None
    now[0] += 30
    assert await two.acquire("events:ann") is None
    assert await one.acquire("events:ann") == 30  # the first hit leaves the window in 30 s
    now[0] += 30
    assert await two.acquire("events:ann") is None  # ... and has
    assert await one.acquire("events:ann") == 30


async def test_windows_are_deleted_by_a_ttl_index(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    windows = replicas[0]
    limiter = SharedRateLimiter("1/minute", windows)
    await limiter.ensure_indexes()
    await limiter.acquire("join:ann")

    indexes = await windows.index_information()
    [ttl] = [index for index in indexes.values() if index["key"] == [("expires_at", 1)]]
    stored = await windows.find_one({"_id": "join:ann"})

    assert ttl["expireAfterSeconds"] == 0
    assert stored is not None
    assert stored["expires_at"].timestamp() == pytest.approx(stored["hits"][-1] + 60)
