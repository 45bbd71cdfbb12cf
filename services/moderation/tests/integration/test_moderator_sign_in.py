"""Signing in with a second factor, the per-address throttle, the idle timeout, and the retention
of sessions (a TTL index on a real date, and a sweep for a store whose TTL monitor does not run)."""

from datetime import UTC, datetime, timedelta

import httpx
import pyotp
import pytest
from moderation.domain.decisions import Role
from moderation.domain.second_factor import recovery_digest
from moderation.domain.sessions import TOKEN_BYTES
from together_kit.testing.waiting import eventually

from .conftest import Moderation, StartModeration
from .moderator_support import (
    PASSWORD,
    SECRET,
    accounts,
    add_account,
    code_now,
    csrf_of,
    enrol,
    sign_in_again,
    signed_in,
)

pytestmark = pytest.mark.integration
WRONG = "The email address or password is not right."
GUESS = "guess"


def client_from(moderation: Moderation, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=moderation.app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_the_first_sign_in_enrols_a_second_factor(moderation: Moderation) -> None:
    email = await add_account(moderation, "Ann")
    client = moderation.client()

    login = await client.post("/moderation/login", data={"email": email, "password": PASSWORD})

    assert login.headers["location"] == "/moderation/enrol"
    assert (await client.get("/moderation")).headers["location"] == "/moderation/login"
    page = await client.get("/moderation/enrol")
    found = SECRET.search(page.text)
    assert found
    secret = found.group(1).replace(" ", "")
    assert len(secret) == 32
    assert 'src="data:image/svg+xml' in page.text
    assert "otpauth://totp/" in page.text
    csrf = await csrf_of(client, "/moderation/enrol")
    wrong = await client.post("/moderation/enrol", data={"csrf": csrf, "code": "000000"})
    assert wrong.status_code == 422
    assert "That code is not right." in wrong.text
    assert (await client.get("/moderation")).status_code == 303

    right = await client.post(
        "/moderation/enrol", data={"csrf": csrf, "code": code_now(moderation, secret)}
    )

    assert right.status_code == 200
    assert "Your recovery codes" in right.text
    assert (await client.get("/moderation")).status_code == 200
    stored = await moderation.db["moderators"].find_one({"email": email})
    assert stored is not None
    assert stored["totp_enrolled"] is True
    assert stored["totp_secret"].startswith("v1:")
    assert secret not in str(stored)
    assert len(stored["recovery_codes"]) == 10
    assert all(len(digest) == 64 for digest in stored["recovery_codes"])


async def test_a_later_sign_in_needs_a_fresh_code(moderation: Moderation) -> None:
    email = await add_account(moderation, "Ann")
    enrolled = await enrol(moderation, moderation.client(), email)
    client = moderation.client()

    login = await client.post("/moderation/login", data={"email": email, "password": PASSWORD})
    assert login.headers["location"] == "/moderation/code"
    assert (await client.get("/moderation")).status_code == 303
    csrf = await csrf_of(client, "/moderation/code")
    stale = code_now(moderation, enrolled.secret)
    replayed = await client.post("/moderation/code", data={"csrf": csrf, "code": stale})
    assert replayed.status_code == 401
    assert "That code is not right." in replayed.text

    moderation.clock.advance(seconds=30)
    fresh = code_now(moderation, enrolled.secret)
    done = await client.post("/moderation/code", data={"csrf": csrf, "code": fresh})

    assert (done.status_code, done.headers["location"]) == (303, "/moderation")
    assert (await client.get("/moderation")).status_code == 200
    other = moderation.client()
    await other.post("/moderation/login", data={"email": email, "password": PASSWORD})
    again = await other.post(
        "/moderation/code",
        data={"csrf": await csrf_of(other, "/moderation/code"), "code": fresh},
    )
    assert again.status_code == 401


async def test_a_recovery_code_works_once(moderation: Moderation) -> None:
    email = await add_account(moderation, "Ann")
    enrolled = await enrol(moderation, moderation.client(), email)
    code = enrolled.recovery_codes[3]

    first = await sign_in_again(moderation, moderation.client(), enrolled, code=code.upper())
    second = await sign_in_again(moderation, moderation.client(), enrolled, code=code)

    assert first.status_code == 303
    assert second.status_code == 401
    stored = await moderation.db["moderators"].find_one({"email": email})
    assert stored is not None
    assert recovery_digest(code) not in stored["recovery_codes"]
    assert len(stored["recovery_codes"]) == 9
    logged = await moderation.db["security_log"].find_one({"action": "recovery-code"})
    assert logged is not None
    assert (logged["outcome"], logged["detail"]) == ("success", "9")


async def test_wrong_codes_lock_the_account_like_wrong_passwords(moderation: Moderation) -> None:
    email = await add_account(moderation, "Ann")
    enrolled = await enrol(moderation, moderation.client(), email)
    client = moderation.client()
    await client.post("/moderation/login", data={"email": email, "password": PASSWORD})
    csrf = await csrf_of(client, "/moderation/code")
    answers = [
        await client.post("/moderation/code", data={"csrf": csrf, "code": "123456"})
        for _ in range(5)
    ]

    assert [a.status_code for a in answers] == [401] * 5
    assert "Your sign-in has ended. Sign in again." in answers[-1].text
    moderation.clock.advance(seconds=30)
    locked = await client.post("/moderation/login", data={"email": email, "password": PASSWORD})
    wrong = await client.post("/moderation/login", data={"email": email, "password": "not it"})
    assert locked.status_code == wrong.status_code == 401
    assert locked.text == wrong.text
    assert WRONG in locked.text
    moderation.clock.advance(minutes=15)
    assert (await sign_in_again(moderation, client, enrolled)).status_code == 303


async def test_an_address_that_keeps_failing_waits_longer_each_time(
    start_moderation: StartModeration,
) -> None:
    async with start_moderation(
        moderator_throttle_free_failures=3, moderator_throttle_first_wait_seconds=2
    ) as moderation:
        email = await add_account(moderation, "Ann")
        attacker = client_from(moderation, "203.0.113.9")
        other = client_from(moderation, "198.51.100.7")

        async def attempt(
            client: httpx.AsyncClient, who: str, password: str = GUESS
        ) -> httpx.Response:
            return await client.post("/moderation/login", data={"email": who, "password": password})

        spray = [await attempt(attacker, f"user{n}@example.org") for n in range(4)]
        assert [r.status_code for r in spray] == [401] * 4
        blocked = await attempt(attacker, email, PASSWORD)
        assert blocked.status_code == 429
        assert blocked.headers["retry-after"] == "2"
        assert "Too many failed sign-ins from your network." in blocked.text
        assert (await attempt(other, email, PASSWORD)).status_code == 303

        moderation.clock.advance(seconds=2)
        assert (await attempt(attacker, "user9@example.org")).status_code == 401
        longer = await attempt(attacker, email, PASSWORD)
        assert (longer.status_code, longer.headers["retry-after"]) == (429, "4")
        moderation.clock.advance(seconds=4)
        assert (await attempt(attacker, email, PASSWORD)).status_code == 303

        stored = await moderation.db["sign_in_throttle"].find({}).to_list()
        assert "203.0.113.9" not in str(stored)
        throttled = await moderation.db["security_log"].count_documents({"outcome": "throttled"})
        assert throttled == 2
        account = await moderation.db["moderators"].find_one({"email": email})
        assert account is not None
        assert account["failed_logins"] == 0


async def test_a_session_ends_after_thirty_idle_minutes(moderation: Moderation) -> None:
    client = await signed_in(moderation, "Ann")
    for _ in range(3):
        moderation.clock.advance(minutes=29)
        assert (await client.get("/moderation")).status_code == 200

    moderation.clock.advance(minutes=30)

    assert (await client.get("/moderation")).headers["location"] == "/moderation/login"
    assert await moderation.db["sessions"].count_documents({}) == 0


async def test_a_busy_session_still_ends_at_its_absolute_end(
    start_moderation: StartModeration,
) -> None:
    async with start_moderation(moderator_session_hours=1) as moderation:
        client = await signed_in(moderation, "Ann")
        for _ in range(2):
            moderation.clock.advance(minutes=25)
            assert (await client.get("/moderation")).status_code == 200
        moderation.clock.advance(minutes=11)
        assert (await client.get("/moderation")).status_code == 303


async def test_sessions_carry_a_ttl_date_and_the_sweep_removes_expired_ones(
    moderation: Moderation,
) -> None:
    client = await signed_in(moderation, "Ann")
    sessions = moderation.db["sessions"]
    indexes = await sessions.index_information()
    ttl = [spec for spec in indexes.values() if "expireAfterSeconds" in spec]
    assert [(spec["key"], spec["expireAfterSeconds"]) for spec in ttl] == [([("expire_at", 1)], 0)]
    stored = await sessions.find_one({})
    assert stored is not None
    assert isinstance(stored["expire_at"], datetime)
    idle_end = stored["last_seen"] + 30 * 60
    assert stored["expire_at"].replace(tzinfo=UTC).timestamp() == pytest.approx(idle_end)

    moderation.clock.advance(minutes=31)
    removed = await accounts(moderation).sessions.sweep(now=moderation.clock.now)

    assert removed == 1
    assert await sessions.count_documents({}) == 0
    assert (await client.get("/moderation")).status_code == 303


async def test_the_store_purges_a_session_past_its_ttl_date(moderation: Moderation) -> None:
    """nx-27017 runs TTL indexes on the next read or write, MongoDB's monitor within a minute
    (hence the wait); the code above does not depend on either."""
    sessions = accounts(moderation).sessions
    await sessions.ensure_indexes()
    past = datetime.now(UTC) - timedelta(minutes=1)
    await sessions.collection.insert_one(
        {"_id": "x" * 64, "moderator_id": "gone", "expire_at": past}
    )
    await sessions.collection.insert_one(
        {"_id": "y" * 64, "moderator_id": "kept", "expire_at": past + timedelta(hours=1)}
    )

    async def left() -> list[str]:
        return [d["moderator_id"] async for d in sessions.collection.find({})]

    assert await eventually(left, until=lambda ids: ids == ["kept"], timeout=90, what="TTL")
    assert TOKEN_BYTES == 32


async def test_a_lead_resets_a_lost_second_factor(moderation: Moderation) -> None:
    lead = await signed_in(moderation, "Lena", Role.LEAD)
    email = await add_account(moderation, "Bob")
    bob = moderation.client()
    enrolled = await enrol(moderation, bob, email)
    bob_id = next(a.id for a in await accounts(moderation).moderators.all() if a.name == "Bob")

    reset = await lead.post(
        f"/moderation/moderators/{bob_id}/second-factor",
        data={"csrf": await csrf_of(lead, "/moderation/moderators")},
    )

    assert reset.headers["location"] == "/moderation/moderators?done=account"
    assert (await bob.get("/moderation")).status_code == 303
    again = await enrol(moderation, moderation.client(), email)
    assert again.secret != enrolled.secret
    old_code = pyotp.TOTP(enrolled.secret).at(moderation.clock.now + timedelta(seconds=30))
    assert (await sign_in_again(moderation, bob, enrolled, code=old_code)).status_code == 401


async def test_a_secret_sealed_under_another_key_fails_closed(
    start_moderation: StartModeration,
) -> None:
    async with start_moderation(secret_key="k" * 40) as moderation:
        email = await add_account(moderation, "Ann")
        enrolled = await enrol(moderation, moderation.client(), email)
    for key, answer in (("other" * 8, 401), ("k" * 40, 303)):
        async with start_moderation(secret_key=key) as moderation:
            code = pyotp.TOTP(enrolled.secret).at(moderation.clock.now + timedelta(seconds=30))
            client = moderation.client()
            login = await client.post(
                "/moderation/login", data={"email": email, "password": PASSWORD}
            )
            assert login.headers["location"] == "/moderation/code"
            csrf = await csrf_of(client, "/moderation/code")
            done = await client.post("/moderation/code", data={"csrf": csrf, "code": code})
            assert done.status_code == answer, key
