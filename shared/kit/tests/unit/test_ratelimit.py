"""The per-client rate limiter, alone and as a FastAPI dependency."""

import asyncio
import gc
from collections.abc import Callable

import httpx
import pytest
from fastapi import Depends, FastAPI, HTTPException, Request
from together_kit.http.ratelimit import RateLimiter, begin_check, rate_limited

pytestmark = pytest.mark.unit


def test_allows_the_rate_then_refuses_with_a_wait() -> None:
    limiter = RateLimiter("3/minute")
    assert [limiter.hit("ann") for _ in range(3)] == [None, None, None]
    retry_after = limiter.hit("ann")
    assert retry_after is not None
    assert 1 <= retry_after <= 60
    assert isinstance(retry_after, int)


def test_keys_are_counted_apart() -> None:
    limiter = RateLimiter("1/minute")
    assert limiter.hit("ann") is None
    assert limiter.hit("bob") is None
    assert limiter.hit("ann") is not None
    assert limiter.hit("bob") is not None


def test_the_window_moves_and_idle_keys_are_forgotten() -> None:
    now = [1000.0]
    limiter = RateLimiter("2/minute", clock=lambda: now[0])
    assert limiter.hit("ann") is None
    now[0] += 30
    assert limiter.hit("ann") is None
    assert limiter.hit("ann") == 30  # the first hit leaves the window in 30 s
    now[0] += 30
    assert limiter.hit("ann") is None  # ... and has
    assert limiter.hit("ann") == 30
    now[0] += 120
    assert limiter.hit("bob") is None  # a sweep: ann was idle for a whole window
    assert "ann" not in limiter._hits


def test_a_nonsense_rate_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="couldn't parse"):
        RateLimiter("lots")


def demo_app(limiter: RateLimiter) -> FastAPI:
    app = FastAPI()
    limit_signups = rate_limited(limiter, scope="signups")
    limit_stories = rate_limited(limiter, scope="stories")

    @app.post("/signups", dependencies=[Depends(limit_signups)], status_code=201)
    async def sign_up() -> None:
        """Accepts anything; the limit is what is under test."""

    @app.post("/stories", dependencies=[Depends(limit_stories)], status_code=201)
    async def tell_story() -> None:
        """Accepts anything; the limit is what is under test."""

    return app


ClientFactory = Callable[..., httpx.AsyncClient]


@pytest.fixture
def client_for() -> ClientFactory:
    def make(app: FastAPI, host: str = "127.0.0.1") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app, client=(host, 50000))
        return httpx.AsyncClient(transport=transport, base_url="http://test")

    return make


async def test_over_the_limit_answers_429_with_retry_after(client_for: ClientFactory) -> None:
    async with client_for(demo_app(RateLimiter("2/minute"))) as client:
        assert [(await client.post("/signups")).status_code for _ in range(2)] == [201, 201]
        refused = await client.post("/signups")
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    assert 1 <= seconds <= 60
    assert refused.json() == {"detail": f"Too many requests; try again in {seconds} seconds."}


async def test_the_default_test_transport_is_keyed_on_its_loopback_address() -> None:
    limiter = RateLimiter("1/minute")
    transport = httpx.ASGITransport(demo_app(limiter))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.post("/signups")).status_code == 201
    assert limiter.hit("signups:127.0.0.1") is not None


async def test_clients_and_scopes_are_limited_apart(client_for: ClientFactory) -> None:
    app = demo_app(RateLimiter("1/minute"))
    async with client_for(app) as ann, client_for(app, "203.0.113.9") as bob:
        assert (await ann.post("/signups")).status_code == 201
        assert (await ann.post("/stories")).status_code == 201
        assert (await bob.post("/signups")).status_code == 201
        assert (await ann.post("/signups")).status_code == 429


async def test_forwarded_headers_are_ignored_by_the_limiter_itself(
    client_for: ClientFactory,
) -> None:
    async with client_for(demo_app(RateLimiter("1/minute"))) as client:
        assert (await client.post("/signups", headers={"X-Forwarded-For": "1.1.1.1"})).is_success
        refused = await client.post("/signups", headers={"X-Forwarded-For": "2.2.2.2"})
    assert refused.status_code == 429


def client_request() -> Request:
    return Request({"type": "http", "client": ("127.0.0.1", 50000), "headers": []})


async def test_a_check_begun_early_answers_every_await_and_a_refusal_left_unawaited_is_quiet() -> (
    None
):
    limit = rate_limited(RateLimiter("1/minute"), scope="signups")
    unreported: list[dict[str, object]] = []
    loop = asyncio.get_running_loop()
    handler = loop.get_exception_handler()  # the loop outlives this test: give its handler back
    loop.set_exception_handler(lambda _, context: unreported.append(context))
    try:
        admitted = begin_check(limit, client_request())
        await admitted
        await admitted  # the same answer again
        with pytest.raises(HTTPException):
            await begin_check(limit, client_request())
        # Refused, its answer never awaited, and gone with its request: nothing is reported.
        await asyncio.wait([begin_check(limit, client_request())])
        gc.collect()
    finally:
        loop.set_exception_handler(handler)

    assert unreported == []
