"""Per-client rate limits for public POST endpoints: abuse protection, not quotas.

Services count in the store every replica shares (`SharedRateLimiter`): a client spread across
replicas gets the rate once, not once per replica. `RateLimiter` keeps the same moving window
in this process's memory, for what runs as one process.

The client is the connection's address. Behind a reverse proxy (the Kubernetes ingress) that is
the proxy's, so uvicorn takes the client from the `X-Forwarded-For` the proxy adds, but only from
the proxies named in `FORWARDED_ALLOW_IPS` (`ServiceSettings.forwarded_allow_ips`, handed to
uvicorn's `forwarded_allow_ips` by `together_kit.serve`): from any other peer the header is
ignored, so a client cannot pick its own key by writing it.

Why not `limits`' storages: its asynchronous MongoDB storage is built on Motor (deprecated, and a
second driver), its synchronous one would block the event loop, and both rely on `$not` and
array-index queries that nx-27017 lacks (ADR 0001). `limits` still parses the rates.
"""

import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from fastapi import HTTPException, Request
from limits import parse
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

ATTEMPTS = 5
"""Writes of one key's window that may lose a race with other replicas before a hit is refused."""


class Limiter(Protocol):
    async def acquire(self, key: str) -> int | None:
        """Count a hit for `key`: `None` if allowed, else whole seconds (at least 1) to wait."""
        ...


class RateLimiter:
    """At most `rate` hits per key in any moving window, e.g. `RateLimiter("10/minute")`,
    counted in this process's memory.

    The window is kept here rather than in `limits`' `MemoryStorage`, which starts a timer thread
    every 10 ms while hits arrive and copies a key's whole list on each hit: under a signup surge
    that was measurable in the signups process (`python -m bench B1 --profile`). Here each key
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


class SharedRateLimiter:
    """At most `rate` hits per key in any moving window, counted in `windows`, a collection of
    the service's database that all its replicas share.

    One document per key: the times of its accepted hits in the window (oldest first, at most
    `rate`'s amount), a version, and when it may be deleted (a TTL index; nx-27017 keeps them).
    A hit reads the document and writes it back under the version it read, so two replicas
    counting the same key at once cannot both take the last place: the one that loses reads again.
    A refused hit is not counted, so retrying early does not push the window further out.

    The times are the replicas' clocks (`time.time`), which must agree to within a fraction of
    the window: NTP does that.
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
        self._window = float(item.get_expiry())
        self._clock = clock
        self.windows = windows

    async def ensure_indexes(self) -> None:
        await self.windows.create_index("expires_at", expireAfterSeconds=0)

    async def acquire(self, key: str) -> int | None:
        for _ in range(ATTEMPTS):
            now = self._clock()
            window = await self.windows.find_one({"_id": key})
            stored: list[float] = (window or {}).get("hits", [])
            hits = [hit for hit in stored if hit > now - self._window]
            if len(hits) >= self._limit:
                return max(1, math.ceil(hits[-self._limit] + self._window - now))
            version = int(window["version"]) if window else 0
            written = {
                "_id": key,
                "hits": [*hits, now],
                "version": version + 1,
                "expires_at": datetime.fromtimestamp(now + self._window, UTC),
            }
            if window is None:
                try:
                    await self.windows.insert_one(written)
                except DuplicateKeyError:
                    continue  # another replica counted this key's first hit meanwhile
                return None
            replaced = await self.windows.replace_one({"_id": key, "version": version}, written)
            if replaced.matched_count:
                return None
        return 1  # the key is being hit faster than its window can be written: wait a second


def rate_limited(limiter: Limiter, *, scope: str) -> Callable[[Request], Awaitable[None]]:
    """A FastAPI dependency that answers 429 with `Retry-After` once a client is over the limit.

    Clients are told apart by `client_address`: the connection's address, or the one a trusted
    proxy forwarded (see the module's docstring).
    """

    async def check_rate(request: Request) -> None:
        retry_after = await limiter.acquire(f"{scope}:{client_address(request)}")
        if retry_after is not None:
            raise HTTPException(
                429,
                detail=f"Too many requests; try again in {retry_after} seconds.",
                headers={"Retry-After": str(retry_after)},
            )

    return check_rate


def client_address(request: Request) -> str:
    """The client's address: the connection's, which uvicorn has already replaced by the one in
    `X-Forwarded-For` if the connection came from a trusted proxy."""
    return request.client.host if request.client else "unknown"
