"""Moderator sign-in: argon2id, lockout, sessions and their cookie, CSRF, roles, accounts."""

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from moderation.adapters.moderators import Passwords
from moderation.domain.decisions import Role
from together_kit.web.rendering import PAGE_SECURITY_HEADERS

from .conftest import Moderation
from .moderator_support import (
    PASSWORD,
    accounts,
    add_account,
    csrf_of,
    enrol,
    share,
    signed_in,
)

pytestmark = pytest.mark.integration


async def test_a_moderator_signs_in_and_out(moderation: Moderation) -> None:
    email = await add_account(moderation, "Ann")
    client = moderation.client()

    assert (await client.get("/moderation")).headers["location"] == "/moderation/login"
    await enrol(moderation, client, email)
    queue = await client.get("/moderation")
    assert queue.status_code == 200
    assert "Signed in as Ann (moderator)" in queue.text
    assert await moderation.db["sessions"].count_documents({}) == 1

    out = await client.post("/moderation/logout", data={"csrf": await csrf_of(client)})

    assert out.headers["location"] == "/moderation/login?done=signed-out"
    assert await moderation.db["sessions"].count_documents({}) == 0
    assert (await client.get("/moderation")).status_code == 303


async def test_the_session_cookie_is_httponly_lax_scoped_and_secure_on_https(
    moderation: Moderation,
) -> None:
    email = await add_account(moderation, "Ann")
    transport = httpx.ASGITransport(app=moderation.app)
    for base, secure in (("http://test", False), ("https://test", True)):
        async with httpx.AsyncClient(transport=transport, base_url=base) as client:
            login = await client.post(
                "/moderation/login", data={"email": email, "password": PASSWORD}
            )
            cookie = login.headers["set-cookie"].lower()
            assert cookie.startswith("moderation_session=")
            assert "httponly" in cookie
            assert "samesite=lax" in cookie
            assert "path=/moderation" in cookie
            assert ("secure" in cookie) is secure
    stored = await moderation.db["sessions"].find_one({})
    assert stored is not None
    assert len(stored["_id"]) == 64
    assert isinstance(stored["expires"], float)
    assert stored["_id"] not in login.headers["set-cookie"]


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    moderation: Moderation,
) -> None:
    email = await add_account(moderation, "Ann")
    client = moderation.client()

    wrong = await client.post("/moderation/login", data={"email": email, "password": "nope"})
    unknown = await client.post(
        "/moderation/login", data={"email": "who@example.org", "password": PASSWORD}
    )

    assert wrong.status_code == unknown.status_code == 401
    assert "The email address or password is not right." in wrong.text
    assert "The email address or password is not right." in unknown.text
    assert "set-cookie" not in wrong.headers


async def test_five_failures_lock_the_account_for_fifteen_minutes(
    moderation: Moderation,
) -> None:
    email = await add_account(moderation, "Ann")
    client = moderation.client()
    for _ in range(5):
        await client.post("/moderation/login", data={"email": email, "password": "wrong"})

    locked = await client.post("/moderation/login", data={"email": email, "password": PASSWORD})
    assert locked.status_code == 401
    assert "The email address or password is not right." in locked.text

    moderation.clock.advance(minutes=14, seconds=59)
    still = await client.post("/moderation/login", data={"email": email, "password": PASSWORD})
    assert still.status_code == 401
    moderation.clock.advance(seconds=2)
    await enrol(moderation, client, email)
    assert (await client.get("/moderation")).status_code == 200
    stored = await moderation.db["moderators"].find_one({"email": email})
    assert stored is not None
    assert (stored["failed_logins"], stored["locked_until"]) == (0, 0.0)


async def test_passwords_are_argon2id_at_the_owasp_minimum(moderation: Moderation) -> None:
    email = await add_account(moderation, "Ann")
    stored = await moderation.db["moderators"].find_one({"email": email})
    assert stored is not None
    assert stored["password_hash"].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in str(stored)


class CountingHasher(PasswordHasher):
    """Counts verifications and the most that ran at once."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.calls = 0
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        try:
            return super().verify(hash, password)
        finally:
            with self.lock:
                self.running -= 1


async def test_hashes_run_at_most_n_at_once_and_unknown_emails_cost_one() -> None:
    hasher = CountingHasher()
    passwords = Passwords(concurrency=2, hasher=hasher)
    stored = await passwords.hash("a password of some length")

    results = await asyncio.gather(*(passwords.verify(stored, "guess") for _ in range(8)))
    await passwords.spend("anything")

    assert results == [False] * 8
    assert hasher.most == 2
    assert hasher.calls == 9


async def test_a_cross_site_or_tokenless_post_is_refused(moderation: Moderation) -> None:
    item = await share(moderation)
    client = await signed_in(moderation, "Ann")
    await client.get(f"/moderation/items/{item}")
    csrf = await csrf_of(client)
    approve = f"/moderation/items/{item}/approve"

    without = await client.post(approve, data={})
    wrong = await client.post(approve, data={"csrf": "x" * 43})
    cross = await client.post(
        approve, data={"csrf": csrf}, headers={"Origin": "https://evil.example"}
    )
    cross_referer = await client.post(
        approve, data={"csrf": csrf}, headers={"Referer": "https://evil.example/page"}
    )
    opaque = await client.post(approve, data={"csrf": csrf}, headers={"Origin": "null"})
    opaque_cross = await client.post(
        approve,
        data={"csrf": csrf},
        headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    )
    fetched_cross = await client.post(
        approve, data={"csrf": csrf}, headers={"Sec-Fetch-Site": "same-site"}
    )

    refused = (without, wrong, cross, cross_referer, opaque, opaque_cross, fetched_cross)
    assert [r.status_code for r in refused] == [403] * 7
    assert (await moderation.db["items"].find_one({"_id": str(item)}) or {})["status"] == "pending"
    # What a browser sends from our own page under `Referrer-Policy: no-referrer`.
    same = await client.post(
        approve,
        data={"csrf": csrf},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert same.status_code == 303


async def test_moderator_pages_send_strict_security_headers(moderation: Moderation) -> None:
    client = await signed_in(moderation, "Ann")
    for path in ("/moderation", "/moderation/login"):
        headers = (await client.get(path)).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "form-action 'self'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
    public = (await moderation.http.get("/stories")).headers
    assert public["content-security-policy"] == PAGE_SECURITY_HEADERS["Content-Security-Policy"]
    assert public.get("cache-control") != "no-store"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/moderation/dashboard"),
        ("GET", "/moderation/moderators"),
        ("GET", "/moderation/audit.csv"),
        ("POST", "/moderation/moderators"),
    ],
)
async def test_a_moderator_cannot_reach_the_leads_pages(
    moderation: Moderation, method: str, path: str
) -> None:
    client = await signed_in(moderation, "Ann")
    data: dict[str, Any] = {"csrf": await csrf_of(client), "email": "x@example.org", "name": "X"}

    response = await client.request(method, path, data=data if method == "POST" else None)

    assert response.status_code == 403
    assert await moderation.db["moderators"].count_documents({}) == 1


async def test_a_lead_adds_a_moderator_who_must_choose_a_password(
    moderation: Moderation,
) -> None:
    lead = await signed_in(moderation, "Lena", Role.LEAD)
    added = await lead.post(
        "/moderation/moderators",
        data={
            "csrf": await csrf_of(lead),
            "email": "bob@example.org",
            "name": "Bob",
            "role": "moderator",
        },
    )
    assert added.status_code == 200
    temporary = added.text.split('id="temporary-password">')[1].split("<")[0]

    bob = moderation.client()
    await enrol(moderation, bob, "bob@example.org", temporary)
    assert (await bob.get("/moderation")).headers["location"] == "/moderation/password"
    changed = await bob.post(
        "/moderation/password",
        data={
            "csrf": await csrf_of(bob, "/moderation/password"),
            "current": temporary,
            "new": "a much better password",
            "again": "a much better password",
        },
    )
    assert changed.headers["location"] == "/moderation?done=password"
    assert (await bob.get("/moderation")).status_code == 200

    accounts_page = await lead.get("/moderation/moderators")
    bob_id = next(a.id for a in await accounts(moderation).moderators.all() if a.name == "Bob")
    await lead.post(
        f"/moderation/moderators/{bob_id}/deactivate", data={"csrf": await csrf_of(lead)}
    )
    assert "Bob" in accounts_page.text
    assert (await bob.get("/moderation")).status_code == 303
    again = await bob.post(
        "/moderation/login",
        data={"email": "bob@example.org", "password": "a much better password"},
    )
    assert again.status_code == 401
