"""Rate limits count the real client, once across all replicas (issue 16, point 14).

Behind the Kubernetes ingress every connection comes from the ingress controller, and a service
runs as several replicas. So:

- two replicas of each rate-limited service (two apps on one database, as two pods are) share
  one count per client: a client refused by one is refused by the other;
- served by uvicorn as `together_kit.serve` serves it, the client is the address a trusted proxy
  (`FORWARDED_ALLOW_IPS`) forwards in `X-Forwarded-For`, each limited apart; from any other
  peer the header is ignored and the peer's own address is counted.

The limited routes are sent an empty JSON body: refused with 422 while under the limit (each
request counts), 429 with `Retry-After` once over it.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from matching.settings import DISTRICTS
from pymongo import AsyncMongoClient
from together_kit.dev.stack import free_port
from together_kit.serve import uvicorn_options
from together_kit.settings import ServiceSettings
from together_kit.testing.apps import running
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

GEONAMES = DISTRICTS
PROXY, OTHER_PEER = "127.0.0.3", "127.0.0.2"
"""Both on loopback, neither uvicorn's own default proxy (127.0.0.1): the setting must reach it."""


def signups_app(settings: dict[str, Any], rate: str) -> FastAPI:
    from signups.bootstrap import create_app
    from signups.settings import Settings

    return create_app(Settings(**settings, admin_api_key="k" * 16, join_rate_limit=rate))


def moderation_app(settings: dict[str, Any], rate: str) -> FastAPI:
    from moderation.bootstrap import create_app
    from moderation.settings import Settings

    return create_app(Settings(**settings, share_rate_limit=rate, backlog_check_seconds=3600))


def matching_app(settings: dict[str, Any], rate: str) -> FastAPI:
    from matching.bootstrap import create_app
    from matching.settings import Settings

    return create_app(
        Settings(
            **settings,
            geonames_path=GEONAMES,
            submit_rate_limit=rate,
            unmatched_interval_seconds=3600,
        )
    )


LIMITED: dict[str, tuple[Callable[[dict[str, Any], str], FastAPI], str]] = {
    "signups": (signups_app, "/api/v1/signups"),
    "moderation": (moderation_app, "/api/v1/stories"),
    "matching": (matching_app, "/api/v1/events"),
}


def client_of(app: FastAPI, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.mark.parametrize("service", LIMITED)
async def test_two_replicas_count_a_client_once(
    service: str, service_settings: dict[str, Any]
) -> None:
    build, path = LIMITED[service]
    url, database = service_settings["mongodb_url"], service_settings["mongodb_database"]
    replicas = [build(service_settings, "2/minute") for _ in range(2)]
    async with AsyncExitStack() as stack:
        for app in replicas:
            await stack.enter_async_context(running(app, mongodb_url=url, database_name=database))
        ann_on = [
            await stack.enter_async_context(client_of(app, "198.51.100.7")) for app in replicas
        ]
        bob_on_second = await stack.enter_async_context(client_of(replicas[1], "198.51.100.8"))

        under = [(await ann_on[0].post(path, json={})), (await ann_on[1].post(path, json={}))]
        over_on_first = await ann_on[0].post(path, json={})
        over_on_second = await ann_on[1].post(path, json={})
        bob = await bob_on_second.post(path, json={})

    assert [response.status_code for response in under] == [422, 422]
    for over in (over_on_first, over_on_second):
        assert over.status_code == 429, over.text
        assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert bob.status_code == 422


@asynccontextmanager
async def served(app: FastAPI, settings: ServiceSettings) -> AsyncIterator[str]:
    """`app` served by uvicorn with the options `together_kit.serve` gives it; its base URL."""
    options = uvicorn_options(settings)
    server = uvicorn.Server(uvicorn.Config(app, **options))
    serving = asyncio.create_task(server.serve())

    async def started() -> bool:
        if serving.done():
            serving.result()  # uvicorn gave up: say why
        return server.started

    try:
        await eventually(started, what="uvicorn started")
        yield f"http://{options['host']}:{options['port']}"
    finally:
        server.should_exit = True
        await serving


async def test_the_forwarded_client_is_counted_only_from_a_trusted_proxy(
    service_settings: dict[str, Any], database_name: str
) -> None:
    from signups.bootstrap import create_app
    from signups.settings import Settings

    settings = Settings(
        **{**service_settings, "port": free_port()},
        forwarded_allow_ips=PROXY,
        admin_api_key="k" * 16,
        join_rate_limit="1/minute",
    )
    path = "/api/v1/signups"

    async def post(base_url: str, peer: str, forwarded_for: str) -> httpx.Response:
        transport = httpx.AsyncHTTPTransport(local_address=peer)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            return await client.post(path, json={}, headers={"X-Forwarded-For": forwarded_for})

    async with served(create_app(settings), settings) as base_url:
        ann = await post(base_url, PROXY, "203.0.113.50, 198.51.100.1")
        ann_again = await post(base_url, PROXY, "203.0.113.51, 198.51.100.1")
        bob = await post(base_url, PROXY, "198.51.100.2")
        peer = await post(base_url, OTHER_PEER, "198.51.100.3")
        peer_as_another = await post(base_url, OTHER_PEER, "198.51.100.4")

    assert ann.status_code == 422, ann.text
    assert ann_again.status_code == 429
    assert 1 <= int(ann_again.headers["Retry-After"]) <= 60
    assert bob.status_code == 422
    assert peer.status_code == 422
    assert peer_as_another.status_code == 429
    counted = await windows_in(service_settings["mongodb_url"], database_name)
    assert counted == {"join:198.51.100.1", "join:198.51.100.2", f"join:{OTHER_PEER}"}


async def windows_in(mongodb_url: str, database_name: str) -> set[str]:
    """The keys counted (each count's `_id` is the key and a part of the window)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    try:
        windows = client[database_name]["rate_limits"].find()
        return {str(window["_id"]).rsplit("|", 1)[0] async for window in windows}
    finally:
        await client.close()
