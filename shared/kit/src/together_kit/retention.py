"""How long a kind of record is kept: a TTL index, and a sweep that deletes what the index would.

One way for every service (`ServiceRuntime.retain`). A record is kept for `keep` after the date in
its `field`, which must be a real date (BSON date, written by an insert or a whole-document
replace), never epoch seconds, which MongoDB's TTL monitor ignores. A record without the field is
kept: a field set only on the records that may go (a rejected story, an unconfirmed organisation)
limits retention to them.

- On MongoDB the TTL index does the work (its monitor runs about once a minute), and the sweep, a
  leased periodic job, finds little or nothing to do. The sweep follows the service's clock, so a
  test can move time on instead of waiting.
- On nx-27017 (ADR 0001) the sweep alone does it, over a plain index on the field, and the
  retention is recorded in the database's `retention` collection (`{_id: "<collection>.<field>",
  seconds}`) for whoever asks what it is: nx-27017 would expire a TTL index's records on every
  read of the collection, with two scans of it before each `find` (17 ms a `find_one` at 10,000
  documents against 1.4 ms), so no TTL index is made there and one made before is dropped.

Changing a retention setting changes the index: MongoDB refuses to create an index on the same key
with other options, so the existing one is changed with `collMod` (which also turns a plain index
on the field into a TTL index); nx-27017 takes the new value from `create_index` itself.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import OperationFailure

log = structlog.get_logger("together.retention")

Document = dict[str, Any]
DAY_SECONDS = 86_400
_INDEX_OPTIONS_CONFLICT = 85
_INDEX_KEY_SPECS_CONFLICT = 86
RECORDED = "retention"
"""On nx-27017: each retention's seconds, by `<collection>.<field>` (see the module's doc)."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Retention:
    collection: AsyncCollection[Document]
    field: str
    keep: timedelta
    clock: Callable[[], datetime] = dataclasses.field(default=_utcnow)

    @property
    def name(self) -> str:
        return f"retention:{self.collection.name}.{self.field}"

    @property
    def seconds(self) -> int:
        return max(0, int(self.keep.total_seconds()))

    async def ensure_indexes(self) -> None:
        if await is_embedded_store(self.collection):
            await self._ensure_sweep_index()
            return
        try:
            await self.collection.create_index(self.field, expireAfterSeconds=self.seconds)
        except OperationFailure as error:
            if error.code not in (_INDEX_OPTIONS_CONFLICT, _INDEX_KEY_SPECS_CONFLICT):
                raise
            await self.collection.database.command(
                "collMod",
                self.collection.name,
                index={"keyPattern": {self.field: 1}, "expireAfterSeconds": self.seconds},
            )
            log.info("retention changed", collection=self.collection.name, field=self.field)

    async def _ensure_sweep_index(self) -> None:
        for name, index in (await self.collection.index_information()).items():
            key = [field for field, _ in index["key"]]
            if key == [self.field] and "expireAfterSeconds" in index:
                await self.collection.drop_index(name)
        await self.collection.create_index(self.field)
        await self.collection.database[RECORDED].update_one(
            {"_id": f"{self.collection.name}.{self.field}"},
            {"$set": {"seconds": self.seconds}},
            upsert=True,
        )

    async def sweep(self) -> int:
        """Delete the records kept longer than `keep`; return how many."""
        cutoff = self.clock() - self.keep
        deleted = await self.collection.delete_many({self.field: {"$lt": cutoff}})
        return int(deleted.deleted_count)


async def is_embedded_store(collection: AsyncCollection[Document]) -> bool:
    """Whether the store is nx-27017, which names itself in `buildInfo` (MongoDB does not)."""
    info = await collection.database.client.admin.command("buildInfo")
    return bool(info.get("process") == "nx_27017")


def days(value: float) -> timedelta:
    """A retention setting in days (fractions allowed: tests use a few seconds)."""
    return timedelta(seconds=value * DAY_SECONDS)
