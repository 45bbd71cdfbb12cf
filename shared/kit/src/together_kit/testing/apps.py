"""A service's app run in-process for tests: its lifespan, an HTTP client, and its database."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from together_kit.runtime import ServiceRuntime

Document = dict[str, Any]
FIRST_TURNS_SECONDS = 60.0


@asynccontextmanager
async def started(app: FastAPI) -> AsyncIterator[FastAPI]:
    """`app`'s lifespan entered and each periodic job's first turn over: a job the test then
    runs by hand finds nothing done by the app's own first run, which a busy machine can delay
    past the test's first steps (`ServiceRuntime.first_turns`)."""
    async with app.router.lifespan_context(app):
        runtime: ServiceRuntime | None = getattr(app.state, "runtime", None)
        if runtime is not None:
            await asyncio.wait_for(runtime.first_turns(), FIRST_TURNS_SECONDS)
        yield app


@asynccontextmanager
async def running(
    app: FastAPI, *, mongodb_url: str, database_name: str, base_url: str = "http://test"
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncDatabase[Document]]]:
    """`app` `started`, a client of it, and its database to look into."""
    inspector: AsyncMongoClient[Document] = AsyncMongoClient(
        mongodb_url, tz_aware=True, uuidRepresentation="standard"
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            started(app),
            httpx.AsyncClient(transport=transport, base_url=base_url) as http,
        ):
            yield http, inspector[database_name]
    finally:
        await inspector.close()
