"""The daily allowance of emails per address, on the real store: counted atomically, kept by a
keyed digest (never the address), dropped by a TTL index after its day."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import json_util
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from together_kit.mail_quota import MongoMailQuota
from together_kit.testing.commands import counting

pytestmark = pytest.mark.integration

KEY = b"a-test-key-of-at-least-thirty-two-bytes!"
NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
async def collection(
    mongodb_url: str, database_name: str
) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        yield client[database_name]["mail_quota"]
    finally:
        await client.close()


async def test_an_address_gets_its_allowance_a_day_and_no_more(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    quota = MongoMailQuota(collection, key=KEY, per_day=3)
    await quota.ensure_indexes()

    today = [await quota.take("ann@example.org", now=NOON + timedelta(hours=h)) for h in range(5)]
    other = await quota.take("bob@example.org", now=NOON)
    tomorrow = await quota.take("ann@example.org", now=NOON + timedelta(hours=12))

    assert today == [True, True, True, False, False]
    assert (other, tomorrow) == (True, True)
    stored = json_util.dumps(await collection.find().to_list())
    assert "ann" not in stored
    assert "example.org" not in stored
    ttl = [i for i in (await collection.index_information()).values() if "expireAfterSeconds" in i]
    assert [(i["key"], i["expireAfterSeconds"]) for i in ttl] == [([("expires_at", 1)], 0)]


async def test_concurrent_asks_never_exceed_the_allowance(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    quota = MongoMailQuota(collection, key=KEY, per_day=3)

    taken = await asyncio.gather(*(quota.take("cai@example.org", now=NOON) for _ in range(12)))

    assert sorted(taken) == [False] * 9 + [True] * 3


async def test_an_allowance_of_none_sends_nothing(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    quota = MongoMailQuota(collection, key=KEY, per_day=0)

    assert await quota.take("dai@example.org", now=NOON) is False
    assert await collection.count_documents({}) == 0


async def test_an_email_given_back_can_be_taken_again_and_never_below_none(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    quota = MongoMailQuota(collection, key=KEY, per_day=1)

    first = await quota.take("dee@example.org", now=NOON)
    await quota.give_back("dee@example.org", now=NOON)
    await quota.give_back("dee@example.org", now=NOON)
    taken = [await quota.take("dee@example.org", now=NOON) for _ in range(2)]

    assert (first, taken) == (True, [True, False])


async def test_first_emails_of_many_addresses_at_once_are_counted_in_one_write(
    collection: AsyncCollection[dict[str, Any]], database_name: str
) -> None:
    quota = MongoMailQuota(collection, key=KEY, per_day=2)
    addresses = [f"v{n}@example.org" for n in range(20)] + ["v0@example.org"] * 2

    with counting(database_name) as counted:
        taken = await asyncio.gather(*(quota.take(address, now=NOON) for address in addresses))

    assert taken == [True] * 21 + [False]
    assert sorted([d["count"] async for d in collection.find()]) == [1] * 19 + [2]
    assert dict(counted.by_command) == {"insert": 1, "update": 2}
