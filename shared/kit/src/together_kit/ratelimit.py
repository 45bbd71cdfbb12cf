"""Per-client rate limits for public POST endpoints: abuse protection, not quotas.

Counts are kept in this process's memory with a moving window, so each replica keeps its own
window and a client spread across `n` replicas may get up to `n` times the rate. If that ever
matters, `limits` offers the same moving window on Redis
(`MovingWindowRateLimiter(storage_from_string("redis://..."))`).

The window is kept here rather than in `limits`' `MemoryStorage`, which starts a timer thread
every 10 ms while hits arrive and copies a key's whole list on each hit: under a signup surge
that was measurable in the signups process (`python -m bench B1 --profile`). Here each key keeps a
deque of its accepted hits in the window, trimmed as it is hit; idle keys are dropped once a
window. No thread, and O(1) per hit.
"""

import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request
from limits import parse


class RateLimiter:
    """At most `rate` hits per key in any moving window, e.g. `RateLimiter("10/minute")`."""

    def __init__(self, rate: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        item = parse(rate)
        self._limit = int(item.amount)
        self._window = float(item.get_expiry())
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

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


def rate_limited(
    limiter: RateLimiter, *, scope: str, trusted_proxy_header: str | None = None
) -> Callable[[Request], Awaitable[None]]:
    """A FastAPI dependency that answers 429 with `Retry-After` once a client is over the limit.

    Clients are told apart by the connection's address. Behind a reverse proxy, name the header it
    sets (e.g. `X-Forwarded-For`); the last address in it is used, being the one the proxy added
    rather than one the client wrote. Name a header only if every request comes through that
    proxy: otherwise clients can set it themselves and pick their own key.
    """

    async def check_rate(request: Request) -> None:
        retry_after = limiter.hit(f"{scope}:{_client_address(request, trusted_proxy_header)}")
        if retry_after is not None:
            raise HTTPException(
                429,
                detail=f"Too many requests; try again in {retry_after} seconds.",
                headers={"Retry-After": str(retry_after)},
            )

    return check_rate


def _client_address(request: Request, trusted_proxy_header: str | None) -> str:
    if trusted_proxy_header:
        forwarded = request.headers.get(trusted_proxy_header, "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return request.client.host if request.client else "unknown"
