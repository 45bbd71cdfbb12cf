"""The moderation app in-process against the real broker and store, with a clock the test moves.

Each test has its own database; the queues `moderation.listings` and `moderation.erasures` are
shared by every moderation app in the session's virtual host, and only one app runs at a time.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from moderation.bootstrap import create_app
from moderation.handlers import Context
from moderation.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_kit.testing.apps import running
from together_kit.testing.clock import Clock

Document = dict[str, Any]
BASE_URL = "http://moderation.test"


@dataclass
class Moderation:
    app: FastAPI
    http: httpx.AsyncClient
    db: AsyncDatabase[Document]
    clock: Clock
    settings: Settings

    @property
    def ctx(self) -> Context:
        ctx: Context = self.app.state.context
        return ctx

    def client(self) -> httpx.AsyncClient:
        """A client of its own, so no language cookie carries over from another request."""
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://test")


StartModeration = Callable[..., AbstractAsyncContextManager[Moderation]]


@pytest.fixture
def start_moderation(service_settings: dict[str, Any]) -> StartModeration:
    @asynccontextmanager
    async def start(**settings: Any) -> AsyncIterator[Moderation]:
        options: dict[str, Any] = {
            "public_base_url": BASE_URL,
            "share_rate_limit": "1000/minute",
            "outbox_poll_seconds": 0.2,
            "backlog_check_seconds": 3600,
            "lead_emails": ["lead@example.org"],
            **service_settings,
            **settings,
        }
        built = Settings(**options)
        app = create_app(built, clock=(clock := Clock()))
        url, database = service_settings["mongodb_url"], service_settings["mongodb_database"]
        async with running(app, mongodb_url=url, database_name=database) as (http, db):
            yield Moderation(app, http, db, clock, built)

    return start


@pytest.fixture
async def moderation(start_moderation: StartModeration) -> AsyncIterator[Moderation]:
    async with start_moderation() as started:
        yield started
