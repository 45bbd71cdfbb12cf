"""Per-client rate limits for public POST endpoints: abuse protection, not quotas.

Counts are kept in this process's memory with a moving window, so each replica keeps its own
window and a client spread across `n` replicas may get up to `n` times the rate. If that ever
matters, `limits` offers Redis storage (`limits.storage.storage_from_string("redis://...")`)
behind the same strategy.
"""

import math
import time
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class RateLimiter:
    """At most `rate` hits per key in any moving window, e.g. `RateLimiter("10/minute")`."""

    def __init__(self, rate: str) -> None:
        self._item = parse(rate)
        self._strategy = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, key: str) -> int | None:
        """Count a hit for `key`: `None` if allowed, else whole seconds (at least 1) to wait.

        A refused hit is not counted, so retrying early does not push the window further out.
        """
        if self._strategy.hit(self._item, key):
            return None
        reset_at, _ = self._strategy.get_window_stats(self._item, key)
        return max(1, math.ceil(reset_at - time.time()))


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
