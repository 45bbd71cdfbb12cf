"""Retention in the real store: a TTL index on a real date, and the sweep that deletes what it would
(nx-27017 expires only when a collection is read; MongoDB's monitor runs once a minute)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from together_kit.retention import Retention, days
from together_kit.runtime import ServiceRuntime
from together_kit.testing.clock import Clock
from together_kit.testing.retention import ids, ttl_seconds
from together_kit.testing.waiting import eventually

from .conftest import SettingsFactory

pytestmark = pytest.mark.integration
Document = dict[str, Any]


async def test_the_index_expires_on_the_date_and_the_sweep_deletes_what_it_would(
    mongodb_url: str, database_name: str
) -> None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        records = client[database_name][f"records{uuid.uuid4().hex[:6]}"]
        clock = Clock()
        retention = Retention(records, "kept_from", timedelta(days=14), clock)
        await retention.ensure_indexes()
        assert await ttl_seconds(records, "kept_from") == 14 * 86_400
        now = clock()
        await records.insert_many(
            [
                {"_id": "old", "kept_from": now - timedelta(days=13)},
                {"_id": "new", "kept_from": now},
                {"_id": "kept for good"},
            ]
        )
        assert await retention.sweep() == 0
        clock.advance(days=2)
        assert await retention.sweep() == 1
        assert await ids(records) == ["kept for good", "new"]
    finally:
        await client.close()


async def test_a_changed_setting_changes_the_index(mongodb_url: str, database_name: str) -> None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        records = client[database_name][f"records{uuid.uuid4().hex[:6]}"]
        await records.create_index("kept_from")  # a plain index from before retention
        await Retention(records, "kept_from", timedelta(days=14)).ensure_indexes()
        assert await ttl_seconds(records, "kept_from") == 14 * 86_400
        await Retention(records, "kept_from", timedelta(days=30)).ensure_indexes()
        assert await ttl_seconds(records, "kept_from") == 30 * 86_400
    finally:
        await client.close()


async def test_a_service_sweeps_idempotency_records_past_their_retention(
    settings_for: SettingsFactory,
) -> None:
    settings = settings_for(idempotency_retention_days=1.0, retention_sweep_seconds=0.2)
    runtime = ServiceRuntime.build(settings)
    store = runtime.idempotency()
    records = store.collection
    stale = {"_id": "api:old-key", "request_hash": "x", "status_code": 202, "body": {}}
    async with runtime.running():
        assert await ttl_seconds(records, "created_at") == 86_400
        now = datetime.now(UTC)
        await records.insert_one({**stale, "created_at": now - days(2)})
        await records.insert_one({**stale, "_id": "api:new-key", "created_at": now})
        remaining = await eventually(
            lambda: ids(records),
            until=lambda ids: "api:old-key" not in ids,
            what="the stale idempotency record swept",
        )
    assert remaining == ["api:new-key"]
