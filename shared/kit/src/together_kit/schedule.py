"""Periodic jobs that run once per interval across all replicas of a service.

Each run is claimed with a lease in the service's `jobs` collection: the replica whose conditional
update (or first insert) wins runs the job; the others find the lease taken and wait for the next
interval. A replica that dies mid-run leaves a lease that simply expires.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import structlog
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

log = structlog.get_logger("together.schedule")

Job = Callable[[], Awaitable[object]]


@dataclass
class JobLeases:
    collection: AsyncCollection[dict[str, Any]]
    clock: Callable[[], float] = time.time
    owner: str = field(default_factory=lambda: uuid4().hex)

    async def claim(self, name: str, *, seconds: float) -> bool:
        """Take the job for the next `seconds` unless another replica holds it."""
        now = self.clock()
        lease = {"$set": {"lease_until": now + seconds, "owner": self.owner, "claimed_at": now}}
        try:
            claimed = await self.collection.find_one_and_update(
                {"_id": name, "lease_until": {"$lte": now}}, lease
            )
            if claimed is not None:
                return True
            await self.collection.insert_one({"_id": name, **lease["$set"]})
        except DuplicateKeyError:
            return False
        return True


async def run_every(
    leases: JobLeases,
    *,
    name: str,
    seconds: float,
    job: Job,
    first_turn: asyncio.Event | None = None,
) -> None:
    """Until cancelled: claim, run, wait. Failures are logged; the job runs again next time.
    `first_turn` is set once the first claim has been tried and any run it won has ended."""
    while True:
        try:
            if await leases.claim(name, seconds=seconds * 0.9):
                result = await job()
                log.info("periodic job ran", job=name, result=result)
        except Exception as error:
            log.warning("periodic job failed", job=name, error=repr(error))
        if first_turn is not None:
            first_turn.set()
        await asyncio.sleep(seconds)


async def cancel_all(tasks: Sequence["asyncio.Task[Any]"], *, patience: float = 10.0) -> None:
    """Cancel `tasks` and wait until they have ended, cancelling again any still running each
    second: an await deep inside a job can swallow a cancellation that lands as it completes
    (seen at shutdown: the job finished its run and went to sleep for its whole interval). After
    `patience` seconds the rest are left, with a warning."""
    pending = {task for task in tasks if not task.done()}
    deadline = time.monotonic() + patience
    while pending and time.monotonic() < deadline:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=1.0)
    if pending:
        log.warning(
            "tasks did not stop when cancelled", tasks=sorted(t.get_name() for t in pending)
        )
