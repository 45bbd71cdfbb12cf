"""Helpers for the moderator UI tests: accounts made through the handlers, sign-in over HTTP."""

import re
import uuid
from typing import Any

import httpx
from moderation.domain.decisions import Role
from moderation.entrypoints.schemas import STORY_EXAMPLE
from moderation.handlers import moderators
from moderation.handlers.moderators import Accounts

from .conftest import Moderation

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def accounts(moderation: Moderation) -> Accounts:
    found: Accounts = moderation.app.state.accounts
    return found


async def add_account(moderation: Moderation, name: str, role: Role = Role.MODERATOR) -> str:
    email = f"{name.lower()}.{uuid.uuid4().hex[:6]}@example.org"
    await moderators.create_account(
        email=email, name=name, role=role, password=PASSWORD, accounts=accounts(moderation)
    )
    return email


async def signed_in(
    moderation: Moderation, name: str, role: Role = Role.MODERATOR, *, base_url: str = "http://test"
) -> httpx.AsyncClient:
    """A client of its own, signed in as a new account called `name`."""
    email = await add_account(moderation, name, role)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=moderation.app), base_url=base_url)
    response = await client.post("/moderation/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return client


async def csrf_of(client: httpx.AsyncClient, path: str = "/moderation") -> str:
    page = await client.get(path)
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


async def share(moderation: Moderation, **changes: Any) -> uuid.UUID:
    body = {**STORY_EXAMPLE, "title": f"T {uuid.uuid4().hex[:6]}", **changes}
    response = await moderation.http.post("/api/v1/stories", json=body)
    assert response.status_code == 201, response.text
    moderation.clock.advance(seconds=30)
    return uuid.UUID(response.json()["id"])


async def claim(client: httpx.AsyncClient, item: uuid.UUID) -> httpx.Response:
    """Work on an item: claiming is a POST (opening the page claims nothing)."""
    path = f"/moderation/items/{item}"
    return await client.post(f"{path}/claim", data={"csrf": await csrf_of(client)})
