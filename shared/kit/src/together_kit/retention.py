"""How long a kind of record is kept: a TTL index, and a sweep that deletes what the index would.

One way for every service (`ServiceRuntime.retain`). A record is kept for `keep` after the date in
its `field`, which must be a real date (BSON date, written by an insert or a whole-document
replace), never epoch seconds, which MongoDB's TTL monitor ignores. A record without the field is
kept: a field set only on the records that may go (a rejected story, an unconfirmed organisation)
limits retention to them.

- On MongoDB the TTL index does the work (its monitor runs about once a minute).
- nx-27017 (ADR 0001) records the index but expires only lazily, when the collection is next read,
  so a record nobody reads stays on disk; the sweep, a leased periodic job, deletes it. On MongoDB
  the sweep finds little or nothing to do. It follows the service's clock, so a test can move time
  on instead of waiting.

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

    async def sweep(self) -> int:
        """Delete the records kept longer than `keep`; return how many."""
        cutoff = self.clock() - self.keep
        deleted = await self.collection.delete_many({self.field: {"$lt": cutoff}})
        return int(deleted.deleted_count)


def days(value: float) -> timedelta:
    """A retention setting in days (fractions allowed: tests use a few seconds)."""
    return timedelta(seconds=value * DAY_SECONDS)
