"""Past the cap on requests in flight a service answers 503 with Retry-After at once, instead of
letting clients time out; health and readiness are never refused; capacity comes back."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from together_kit.http.middleware import RESPONSE_HEADERS, install_http_middleware
from together_kit.metrics import Metrics

pytestmark = pytest.mark.unit

CAP = 3


@pytest.fixture
async def held() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture
def all_in() -> asyncio.Event:
    """Set once CAP requests are inside the route at the same time."""
    return asyncio.Event()


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
async def http(
    held: asyncio.Event, all_in: asyncio.Event, metrics: Metrics
) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_http_middleware(app, metrics=metrics, max_body_bytes=1024, max_in_flight=CAP)

    inside = 0

    @app.post("/slow")
    async def slow() -> dict[str, bool]:
        nonlocal inside
        inside += 1
        if inside == CAP:
            all_in.set()
        await held.wait()
        return {"done": True}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_requests_past_the_cap_are_refused_at_once_with_retry_after(
    http: httpx.AsyncClient, held: asyncio.Event, all_in: asyncio.Event, metrics: Metrics
) -> None:
    admitted = [asyncio.create_task(http.post("/slow")) for _ in range(CAP)]
    await asyncio.wait_for(all_in.wait(), timeout=5)

    refused = await asyncio.wait_for(http.post("/slow"), timeout=5)
    health = await asyncio.wait_for(http.get("/healthz"), timeout=5)
    held.set()
    answers = await asyncio.gather(*admitted)
    again = await http.post("/slow")

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["Referrer-Policy"] == RESPONSE_HEADERS["Referrer-Policy"]
    assert "busy" in refused.json()["detail"]
    assert b"http_requests_shed_total 1.0" in metrics.render()
    assert health.status_code == 200
    assert [answer.status_code for answer in answers] == [200] * CAP
    assert again.status_code == 200
