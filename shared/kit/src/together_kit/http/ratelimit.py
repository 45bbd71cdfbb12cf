"""Per-client rate limits for public POST endpoints: abuse protection, not quotas.

Services count in the store every replica shares (`SharedRateLimiter`): a client spread across
replicas gets the rate once, not once per replica. `RateLimiter` keeps an exact moving window in
this process's memory, for what runs as one process.

The client is the connection's address. Behind a reverse proxy (the Kubernetes ingress) that is
the proxy's, so uvicorn takes the client from the `X-Forwarded-For` the proxy adds, but only from
the proxies named in `FORWARDED_ALLOW_IPS` (`ServiceSettings.forwarded_allow_ips`, handed to
uvicorn's `forwarded_allow_ips` by `together_kit.serve`): from any other peer the header is
ignored, so a client cannot pick its own key by writing it.

Why not `limits`' storages: its asynchronous MongoDB storage is built on Motor (deprecated, and a
second driver), its synchronous one would block the event loop, and both rely on `$not`,
array-index queries and pipeline updates that nx-27017 lacks (ADR 0001). `limits` still parses
the rates.
"""

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Any, NamedTuple, Protocol

from fastapi import HTTPException, Request
from limits import parse
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from together_kit.grouping import DUPLICATE_KEY, GroupWrite


class Limiter(Protocol):
    async def acquire(self, key: str) -> int | None:
        """Count a hit for `key`: `None` if allowed, else whole seconds (at least 1) to wait."""
        ...


class RateLimiter:
    """At most `rate` hits per key in any moving window, e.g. `RateLimiter("10/minute")`,
    counted in this process's memory.

    The window is kept here rather than in `limits`' `MemoryStorage`, which starts a timer thread
    every 10 ms while hits arrive and copies a key's whole list on each hit. Here each key
    keeps a deque of its accepted hits in the window, trimmed as it is hit; idle keys are dropped
    once a window. No thread, and O(1) per hit.
    """

    def __init__(self, rate: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        item = parse(rate)
        self._limit = int(item.amount)
        self._window = float(item.get_expiry())
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

    async def acquire(self, key: str) -> int | None:
        return self.hit(key)

    def hit(self, key: str) -> int | None:
        """Count a hit for `key`: `None` if allowed, else whole seconds (at least 1) to wait.

        A refused hit is not counted, so retrying early does not push the window further out.
        """
        now = self._clock()
        self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        if len(hits) < self._limit:
            hits.append(now)
            return None
        return max(1, math.ceil(hits[0] + self._window - now))

    def _sweep(self, now: float) -> None:
        """Forget keys with no hit in the last window (at most once a window)."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + self._window
        idle = [
            key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self._window
        ]
        for key in idle:
            del self._hits[key]


BUCKETS = 12
"""Parts of a window that a shared limiter counts apart (5 seconds of a minute)."""
SETTLED_SECONDS = 1.0
"""How long into a part a hit still being counted in the part before may reach the store."""


class SharedRateLimiter:
    """At most `rate` hits per key in a moving window, counted in `windows`, a collection of the
    service's database that all its replicas share.

    The window is cut into `BUCKETS` parts, and each key's hits are counted per part, one small
    document each (`{key}|{part number}`) whatever the rate (the bench's `1000000/minute` too).
    A hit reads the counts of the window's earlier parts, then takes a place in the current part
    with one conditional `$inc`: it may not pass what the earlier parts leave, so replicas
    counting the same key at once never both take the last place (save in the instant a part
    turns, when a hit still being counted in the old part can be missed by one in the new), and
    a surge from one address never has to retry. Hits asked for while another is being
    written take their places together (`GroupWrite`): one bulk write, one `$inc` by their
    number per key, if they all fit. A refused hit is not counted. The window moves a
    part at a time: a minute's rate is counted over the last 55 to 60 seconds. Counts are deleted
    by a TTL index once out of every window.

    The earlier parts no longer change once the current part is `SETTLED_SECONDS` old (a hit
    counted in the old part by then would have taken that long to reach the store), so their
    total is read twice a part per key and process: when the part turns (one read shared by
    the hits waiting on it) and once more when it has settled, and kept in between. A key hit
    again and again (a surge from one address) costs the one `$inc`, not a read too; a hit
    another replica counts late in the old part is seen from the second read on, so in the
    part's first second a key can get those few places more than its rate.

    The parts follow the replicas' clocks (`time.time`), which must agree to within a small part
    of a window: NTP does that.
    """

    def __init__(
        self,
        rate: str,
        windows: AsyncCollection[dict[str, Any]],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        item = parse(rate)
        self._limit = int(item.amount)
        self._part = float(item.get_expiry()) / BUCKETS
        self._clock = clock
        self.windows = windows
        self._kept: dict[str, _EarlierTotal] = {}
        """Per key: the total of the parts before the current one, as last read."""
        self._kept_part = 0
        self._reading: dict[tuple[str, int, bool], asyncio.Future[int]] = {}
        self._takes: GroupWrite[_Hit, _Taken] = GroupWrite(self._take_all)

    async def ensure_indexes(self) -> None:
        await self.windows.create_index("expires_at", expireAfterSeconds=0)

    async def acquire(self, key: str) -> int | None:
        now = self._clock()
        part = math.floor(now / self._part)
        room = self._limit - await self._earlier_total(key, part, now)
        if room >= 1 and await self._take(key, part, room):
            return None
        counts = await self._counts(key, first=part - BUCKETS + 1, last=part)
        return max(1, math.ceil(self._next_place(counts) - now))

    async def _earlier_total(self, key: str, part: int, now: float) -> int:
        """The hits of `key` counted in the window's parts before `part`."""
        settled = now - part * self._part >= min(SETTLED_SECONDS, self._part / 2)
        kept = self._kept.get(key)
        if kept is not None and kept.part == part and (kept.settled or not settled):
            return kept.total
        reading = self._reading.get((key, part, settled))
        if reading is None:
            reading = asyncio.ensure_future(self._read_earlier(key, part, settled))
            self._reading[(key, part, settled)] = reading
            reading.add_done_callback(lambda _: self._reading.pop((key, part, settled), None))
        return await asyncio.shield(reading)

    async def _read_earlier(self, key: str, part: int, settled: bool) -> int:
        earlier = await self._counts(key, first=part - BUCKETS + 1, last=part - 1)
        total = sum(earlier.values())
        self._forget_before(part)
        kept = self._kept.get(key)
        if kept is None or (kept.part, kept.settled) <= (part, settled):
            self._kept[key] = _EarlierTotal(part, total, settled)
        return total

    def _forget_before(self, part: int) -> None:
        """Drop the totals kept for earlier parts (at most once a part)."""
        if part > self._kept_part:
            self._kept_part = part
            self._kept = {key: kept for key, kept in self._kept.items() if kept.part == part}

    async def _take(self, key: str, part: int, room: int) -> bool:
        """Count a hit in `part` if its count is under `room`."""
        taken = await self._takes(_Hit(key, part, room))
        if taken is _Taken.UNTRIED:
            return await self._take_alone(key, part, room)
        if taken is _Taken.FULL:
            return await self._take_existing(key, part, room)
        return True

    async def _take_all(self, hits: list["_Hit"]) -> list["_Taken"]:
        """The hits asked for together, as one unordered bulk write: one conditional upsert per
        key and part taking as many places as it has hits, if they all fit (else each hit is
        left for `_take_alone`). A count that exists with too few places, or was created by
        another hit since, turns its upsert into a duplicate key error: each of its hits then
        takes a place alone, if there is one."""
        together: dict[tuple[str, int], list[int]] = {}
        for index, hit in enumerate(hits):
            together.setdefault((hit.key, hit.part), []).append(index)
        outcome = [_Taken.UNTRIED] * len(hits)
        writes, written = [], []
        for (key, part), indices in together.items():
            room = min(hits[index].room for index in indices)
            if len(indices) > room:
                continue
            writes.append(
                UpdateOne(
                    {"_id": _part_id(key, part), "count": {"$lte": room - len(indices)}},
                    {"$inc": {"count": len(indices)}, "$setOnInsert": self._expiry(part)},
                    upsert=True,
                )
            )
            written.append(indices)
        full: set[int] = set()
        if writes:
            try:
                await self.windows.bulk_write(writes, ordered=False)
            except BulkWriteError as error:
                errors = error.details.get("writeErrors", [])
                if any(e.get("code") != DUPLICATE_KEY for e in errors):
                    raise
                full = {e["index"] for e in errors}
        for position, indices in enumerate(written):
            for index in indices:
                outcome[index] = _Taken.FULL if position in full else _Taken.TAKEN
        return outcome

    async def _take_alone(self, key: str, part: int, room: int) -> bool:
        under_room = {"_id": _part_id(key, part), "count": {"$lt": room}}
        try:
            await self.windows.update_one(
                under_room, {"$inc": {"count": 1}, "$setOnInsert": self._expiry(part)}, upsert=True
            )
            return True
        except DuplicateKeyError:
            # The part's count exists: it is full, or another hit (on this replica or another)
            # created it since this one looked, which MongoDB does not retry for a query with a
            # condition besides `_id`. Now that it exists, take a place in it if there is one.
            return await self._take_existing(key, part, room)

    async def _take_existing(self, key: str, part: int, room: int) -> bool:
        under_room = {"_id": _part_id(key, part), "count": {"$lt": room}}
        taken = await self.windows.update_one(under_room, {"$inc": {"count": 1}})
        return taken.modified_count == 1

    def _expiry(self, part: int) -> dict[str, datetime]:
        return {"expires_at": datetime.fromtimestamp((part + BUCKETS) * self._part, UTC)}

    async def _counts(self, key: str, *, first: int, last: int) -> dict[int, int]:
        """The counts of `key` in parts `first` to `last`: one range of `_id`s, which both
        stores serve from the primary index (nx-27017 never does for `$in`)."""
        found = self.windows.find(
            {"_id": {"$gte": _part_id(key, first), "$lte": _part_id(key, last)}}, {"count": 1}
        )
        return {
            int(str(window["_id"]).rsplit("|", 1)[1]): int(window["count"])
            async for window in found
        }

    def _next_place(self, counts: dict[int, int]) -> float:
        """When enough of the oldest counted hits have left the window for one more to fit."""
        to_leave = sum(counts.values()) + 1 - self._limit
        if to_leave <= 0:  # room was made between the counting and the taking
            return 0.0
        for part in sorted(counts):
            to_leave -= counts[part]
            if to_leave <= 0:
                return (part + BUCKETS) * self._part
        return (max(counts, default=0) + BUCKETS) * self._part


class _Hit(NamedTuple):
    key: str
    part: int
    room: int


class _Taken(Enum):
    TAKEN = "taken"
    FULL = "full"
    """The part's count exists and had too few places for all the hits written with this one."""
    UNTRIED = "untried"
    """More hits came together than there was room for: none was written."""


class _EarlierTotal(NamedTuple):
    part: int
    total: int
    settled: bool
    """Read once the part had settled: final for the rest of the part."""


def _part_id(key: str, part: int) -> str:
    """Zero-padded, so that `_id` order is the parts' order within a key."""
    return f"{key}|{part:015d}"


TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many requests from this client"}
}
"""The `responses=` entry documenting a `rate_limited` route's refusal."""


def rate_limited(limiter: Limiter, *, scope: str) -> Callable[[Request], Awaitable[None]]:
    """A FastAPI dependency that answers 429 with `Retry-After` once a client is over the limit.

    Clients are told apart by `client_address`: the connection's address, or the one a trusted
    proxy forwarded (see the module's docstring).
    """

    async def check_rate(request: Request) -> None:
        retry_after = await limiter.acquire(f"{scope}:{client_address(request)}")
        if retry_after is not None:
            raise too_many(retry_after)

    return check_rate


def begin_check(
    limit: Callable[[Request], Awaitable[None]], request: Request
) -> "asyncio.Future[None]":
    """`limit`'s check of this request (a `rate_limited` dependency), begun now and answered
    when awaited, as often as need be. A route that awaits it beside its first store write
    waits for one round trip instead of two in a row; it must not change anything the client
    asked for until the check has answered, and must undo what it did beside the check if the
    check refuses. Begun in a dependency, it counts every request, valid or not, and a request
    whose body is invalid is answered with the check's refusal, if it refuses, rather than 422
    (`refusal`). A refusal nobody awaited (the route failed first) is not reported as lost."""
    check = asyncio.ensure_future(limit(request))
    check.add_done_callback(_retrieve)
    request.state.rate_check = check
    return check


async def refusal(request: Request) -> HTTPException | None:
    """The refusal of the rate check begun for this request (`begin_check`), once it has
    answered; None if it admitted the request or none was begun."""
    check: asyncio.Future[None] | None = getattr(request.state, "rate_check", None)
    if check is None:
        return None
    try:
        await check
    except HTTPException as refused:
        return refused
    return None


def _retrieve(check: "asyncio.Future[None]") -> None:
    if not check.cancelled():
        check.exception()


def too_many(retry_after: int) -> HTTPException:
    """The 429 of a client over its limit, with `Retry-After`."""
    return HTTPException(
        429,
        detail=f"Too many requests; try again in {retry_after} seconds.",
        headers={"Retry-After": str(retry_after)},
    )


def client_address(request: Request) -> str:
    """The client's address: the connection's, which uvicorn has already replaced by the one in
    `X-Forwarded-For` if the connection came from a trusted proxy."""
    return request.client.host if request.client else "unknown"
