"""Helpers for the moderator UI tests: accounts made through the handlers, sign-in over HTTP
with a real second factor (the secret read from the enrolment page, codes computed with pyotp at
the app's clock)."""

import html
import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pyotp
from moderation.domain.decisions import Role
from moderation.entrypoints.schemas import STORY_EXAMPLE
from moderation.handlers import moderators
from moderation.handlers.moderators import Accounts
from together_kit.testing.tags import unique_tag

from .conftest import Moderation

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SECRET = re.compile(r'id="totp-secret">([^<]+)<')
RECOVERY = re.compile(r"<li><code>([a-z2-7-]+)</code></li>")


@dataclass(frozen=True)
class Enrolled:
    email: str
    secret: str
    recovery_codes: list[str]


def accounts(moderation: Moderation) -> Accounts:
    found: Accounts = moderation.app.state.accounts
    return found


async def add_account(moderation: Moderation, name: str, role: Role = Role.MODERATOR) -> str:
    email = f"{'.'.join(name.lower().split())}.{uuid.uuid4().hex[:6]}@example.org"
    await moderators.create_account(
        email=email, name=name, role=role, password=PASSWORD, accounts=accounts(moderation)
    )
    return email


async def signed_in(
    moderation: Moderation, name: str, role: Role = Role.MODERATOR, *, base_url: str = "http://test"
) -> httpx.AsyncClient:
    """A client of its own, signed in as a new account called `name` (enrolled on the way)."""
    email = await add_account(moderation, name, role)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=moderation.app), base_url=base_url)
    await enrol(moderation, client, email)
    return client


def code_now(moderation: Moderation, secret: str) -> str:
    return pyotp.TOTP(secret).at(moderation.clock.now)


async def enrol(
    moderation: Moderation, client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> Enrolled:
    """A first sign-in: the password, then the enrolment page's secret confirmed by a code."""
    login = await client.post("/moderation/login", data={"email": email, "password": password})
    assert (login.status_code, login.headers["location"]) == (303, "/moderation/enrol"), login.text
    page = await client.get("/moderation/enrol")
    found = SECRET.search(page.text)
    assert found, page.text
    secret = html.unescape(found.group(1)).replace(" ", "")
    confirmed = await client.post(
        "/moderation/enrol",
        data={
            "csrf": await csrf_of(client, "/moderation/enrol"),
            "code": code_now(moderation, secret),
        },
    )
    assert confirmed.status_code == 200, confirmed.text
    codes = RECOVERY.findall(confirmed.text)
    assert len(codes) == 10, confirmed.text
    return Enrolled(email, secret, codes)


async def sign_in_again(
    moderation: Moderation, client: httpx.AsyncClient, enrolled: Enrolled, *, code: str = ""
) -> httpx.Response:
    """The password, then a code from the app (30 seconds later, so it is a new code)."""
    login = await client.post(
        "/moderation/login", data={"email": enrolled.email, "password": PASSWORD}
    )
    assert (login.status_code, login.headers["location"]) == (303, "/moderation/code"), login.text
    moderation.clock.advance(seconds=30)
    typed = code or code_now(moderation, enrolled.secret)
    csrf = await csrf_of(client, "/moderation/code")
    return await client.post("/moderation/code", data={"csrf": csrf, "code": typed})


async def csrf_of(client: httpx.AsyncClient, path: str = "/moderation") -> str:
    page = await client.get(path)
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


async def share(moderation: Moderation, **changes: Any) -> uuid.UUID:
    body = {**STORY_EXAMPLE, "title": f"T {unique_tag()}", **changes}
    response = await moderation.http.post("/api/v1/stories", json=body)
    assert response.status_code == 201, response.text
    moderation.clock.advance(seconds=30)
    return uuid.UUID(response.json()["id"])


async def claim(client: httpx.AsyncClient, item: uuid.UUID) -> httpx.Response:
    """Work on an item: claiming is a POST (opening the page claims nothing)."""
    path = f"/moderation/items/{item}"
    return await client.post(f"{path}/claim", data={"csrf": await csrf_of(client)})
