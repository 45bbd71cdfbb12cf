"""The shared rate limiter on the real store: replicas, each with its own client, count together.

Behind the ingress a service runs as several replicas; a per-process count would let a client
through once per replica. Here two limiters, each on its own connection to the same database
(as two replicas are), share one count, also when they are hit at the same moment.
"""

import asyncio
import math
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from together_kit.http.ratelimit import SharedRateLimiter
from together_kit.testing.commands import counting

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


def moment() -> float:
    """Now, fixed inside one part of a minute's window: all the hits of a test fall in it."""
    return math.floor(time.time() / 5) * 5 + 1.0


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
    now = moment()
    one, two = (SharedRateLimiter("3/minute", w, clock=lambda: now) for w in replicas)

    answers = await asyncio.gather(*(limiter.acquire("share:x") for limiter in [one, two] * 4))

    assert answers.count(None) == 3
    assert all(wait is not None and wait >= 1 for wait in answers if wait is not None)


async def test_a_surge_under_the_rate_is_never_refused(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    now = moment()
    one, two = (SharedRateLimiter("1000/minute", w, clock=lambda: now) for w in replicas)

    answers = await asyncio.gather(*(limiter.acquire("join:bench") for limiter in [one, two] * 25))

    assert answers == [None] * 50


async def test_the_window_moves(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    now = [math.floor(time.time() / 5) * 5.0]  # at the start of a part, and not yet expired
    one, two = (SharedRateLimiter("2/minute", w, clock=lambda: now[0]) for w in replicas)

    assert await one.acquire("events:ann") is None
    now[0] += 30
    assert await two.acquire("events:ann") is None
    assert await one.acquire("events:ann") == 30  # the first hit leaves the window in 30 s
    now[0] += 30
    assert await two.acquire("events:ann") is None  # ... and has
    assert await one.acquire("events:ann") == 30


async def test_a_window_is_a_few_small_counts_whatever_the_rate(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    windows = replicas[0]
    start = math.floor(time.time() / 5) * 5  # now (or the TTL index deletes them), at a part
    now = [float(start)]
    limiter = SharedRateLimiter("1000000/minute", windows, clock=lambda: now[0])
    await limiter.ensure_indexes()
    for _ in range(50):
        assert await limiter.acquire("join:bench") is None
        now[0] += 1

    stored = [window async for window in windows.find({}).sort("_id")]
    indexes = await windows.index_information()
    [ttl] = [index for index in indexes.values() if index["key"] == [("expires_at", 1)]]

    assert [window["count"] for window in stored] == [5] * 10  # one count per 5 seconds
    assert ttl["expireAfterSeconds"] == 0
    assert stored[0]["_id"] == f"join:bench|{start // 5:015d}"
    assert stored[0]["expires_at"].timestamp() == start + 60


async def test_a_client_hitting_one_replica_does_not_limit_another_key(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    one, two = (SharedRateLimiter("1/minute", windows) for windows in replicas)

    assert await one.acquire("join:1.2.3.4") is None
    assert await two.acquire("join:1.2.3.45") is None
    assert await two.acquire("join:1.2.3.4") is not None
    assert await one.acquire("join:1.2.3.45") is not None


class Finds(monitoring.CommandListener):
    """The `find` commands a client sent: each is one read of a key's counts."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def test_a_surge_reads_the_earlier_parts_twice_a_part(
    mongodb_url: str, database_name: str
) -> None:
    finds = Finds()
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        mongodb_url, tz_aware=True, event_listeners=[finds]
    )
    start = math.floor(time.time() / 5) * 5.0
    now = [start]
    limiter = SharedRateLimiter(
        "1000/minute", client[database_name]["rate_limits"], clock=lambda: now[0]
    )
    try:
        unsettled = await asyncio.gather(*(limiter.acquire("join:surge") for _ in range(10)))
        unsettled += [await limiter.acquire("join:surge") for _ in range(3)]
        reads_before_settling = finds.count
        now[0] = start + 2  # the part has settled: the earlier parts can no longer change
        settled = [await limiter.acquire("join:surge") for _ in range(20)]
        reads_while_settled = finds.count - reads_before_settling
        now[0] = start + 7  # the next part
        moved_on = await limiter.acquire("join:surge")
    finally:
        await client.close()

    assert unsettled + settled + [moved_on] == [None] * 34
    assert reads_before_settling == 1
    assert reads_while_settled == 1
    assert finds.count == 3


async def test_a_hit_counted_late_in_the_old_part_is_seen_once_the_part_settles(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    start = math.floor(time.time() / 5) * 5.0
    now = [start]
    one = SharedRateLimiter("3/minute", replicas[0], clock=lambda: now[0])
    two = SharedRateLimiter("3/minute", replicas[1], clock=lambda: start - 0.1)

    first = await one.acquire("join:late")
    counted_late = [await two.acquire("join:late") for _ in range(2)]
    now[0] = start + 2

    assert [first, *counted_late] == [None, None, None]
    assert await one.acquire("join:late") is not None


async def test_hits_asked_for_together_take_their_places_in_one_write(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]], database_name: str
) -> None:
    """A surge from many clients at once: the hits that come before the write starts go in it
    together (one bulk write, one `$inc` per key by its number of hits); here all forty."""
    now = moment()
    limiter = SharedRateLimiter("1000/minute", replicas[0], clock=lambda: now)
    keys = [f"join:10.0.0.{n % 4}" for n in range(40)]
    for key in set(keys):
        assert await limiter.acquire(key) is None  # its earlier parts read and kept

    with counting(database_name) as counted:
        answers = await asyncio.gather(*(limiter.acquire(key) for key in keys))

    assert answers == [None] * 40
    assert dict(counted.by_command) == {"update": 1}
    stored = [w["count"] async for w in replicas[1].find()]
    assert stored == [11] * 4


async def test_hits_of_several_clients_together_each_get_their_rate(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    now = moment()
    limiter = SharedRateLimiter("5/minute", replicas[0], clock=lambda: now)
    keys = ["join:ann"] * 4 + ["join:bob"] * 7 + ["join:cai"] * 2

    answers = await asyncio.gather(*(limiter.acquire(key) for key in keys))

    allowed = Counter(key for key, wait in zip(keys, answers, strict=True) if wait is None)
    assert allowed == {"join:ann": 4, "join:bob": 5, "join:cai": 2}
    assert all(wait is not None and wait >= 1 for wait in answers if wait is not None)
    stored = {w["_id"].split("|")[0]: w["count"] async for w in replicas[1].find()}
    assert stored == {"join:ann": 4, "join:bob": 5, "join:cai": 2}


async def test_a_group_larger_than_the_room_left_takes_only_the_room(
    replicas: tuple[AsyncCollection[Document], AsyncCollection[Document]],
) -> None:
    now = moment()
    one, two = (SharedRateLimiter("6/minute", w, clock=lambda: now) for w in replicas)
    assert [await two.acquire("join:dee") for _ in range(2)] == [None, None]

    answers = await asyncio.gather(*(one.acquire("join:dee") for _ in range(9)))

    assert answers.count(None) == 4
    assert await replicas[1].find_one({}, {"_id": 0, "count": 1}) == {"count": 6}
