"""A service's app run in-process for tests: its lifespan, an HTTP client, and its database."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]


@asynccontextmanager
async def running(
    app: FastAPI, *, mongodb_url: str, database_name: str, base_url: str = "http://test"
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncDatabase[Document]]]:
    """`app` started (its lifespan entered), a client of it, and its database to look into."""
    inspector: AsyncMongoClient[Document] = AsyncMongoClient(
        mongodb_url, tz_aware=True, uuidRepresentation="standard"
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url=base_url) as http,
        ):
            yield http, inspector[database_name]
    finally:
        await inspector.close()
