"""Assisted entry (issue 23), in-process on the real broker and store: a staff member with
moderation's pass signs up someone who joined on paper or by phone (with only a mobile:
confirmed at once; with an email: pending as any join), sees the form's errors inline with
nothing written, and erases someone found by their mobile; without a pass, a session or the
form's CSRF token, nothing is served and nothing written."""

import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from unittest import mock

import httpx
import pytest
from pymongo import AsyncMongoClient
from together_contracts import phone_digest
from together_kit.staff_pass import StaffPass, issue_pass
from together_kit.testing.phones import drama_mobile
from together_kit.testing.probe import EventProbe, event_probe

from . import test_my_together as my_together
from .test_my_together import Signups, sent
from .test_web_pages import unique_email

pytestmark = pytest.mark.integration

start = my_together.start
signups = my_together.signups

STAFF = StaffPass(uuid.uuid4(), "Siân Roberts", "staff")
EVENTS = ["volunteer.registered", "volunteer.confirmed", "person.erasure_requested"]
Document = dict[str, Any]
ADMIN_KEY = "test-admin-key-of-thirty-two-chars"


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, EVENTS) as probe:
        yield probe


def a_pass(signups: Signups, staff: StaffPass = STAFF) -> str:
    return issue_pass(signups.settings.staff_pass_secret.get_secret_value(), staff)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


@asynccontextmanager
async def signed_in(signups: Signups) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A staff member's browser, signed in with a pass, and its CSRF token."""
    async with signups.client() as http:
        yield http, await _sign_in(http, signups)


async def _sign_in(http: httpx.AsyncClient, signups: Signups) -> str:
    started = await http.get("/assisted/start", params={"pass": a_pass(signups)})
    assert started.status_code == 303, started.text
    assert started.headers["location"] == "/assisted"
    page = await http.get("/assisted/volunteers/new")
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def mobile() -> str:
    return drama_mobile().national


def e164(typed: str) -> str:
    return "+44" + typed.replace(" ", "")[1:]


def entry(csrf: str, **changes: Any) -> dict[str, Any]:
    form = {
        "csrf": csrf,
        "name": "Gwen Harries",
        "email": "",
        "phone": mobile(),
        "postcode": "CF10 1AA",
        "interests": "befriending-and-loneliness",
        "travel_radius_km": "5",
        "language": "cy",
        "consent_matched_events": "on",
        "joined_by": "paper form",
        "on": "2026-12-01",
        "form_version": "paper-2026-12",
        "agreed": "on",
    }
    return {**form, **changes}


async def people_named(signups: Signups, name: str) -> list[Document]:
    return await signups.db["people"].find({"name": name}).to_list()


async def test_a_mobile_only_volunteer_is_confirmed_at_once_with_the_source_of_each_consent(
    signups: Signups, probe: EventProbe
) -> None:
    async with signed_in(signups) as (http, csrf):
        form = entry(csrf)
        entered = await http.post("/assisted/volunteers/new", data=form)
        assert entered.status_code == 303, entered.text
        letter = await http.get(entered.headers["location"])
        again = await http.post("/assisted/volunteers/new", data={**form, "travel_radius_km": "8"})

    person_id = entered.headers["location"].split("/")[3]
    assert letter.status_code == 200
    assert "Gwen Harries" in letter.text
    assert "STOP" in letter.text
    assert again.headers["location"] == entered.headers["location"]
    [registered] = await sent(probe, "volunteer.registered", person_id)
    await sent(probe, "volunteer.confirmed", person_id)
    data = registered["data"]
    assert data["email"] is None
    assert data["phone"] == e164(form["phone"])
    assert data["channels"] == ["sms"]
    assert data["signed_up_by"] == "Siân"
    assert data["outward_code"] == "CF10"
    [stored] = await signups.db["people"].find({"phone": e164(form["phone"])}).to_list()
    assert stored["status"] == "confirmed"
    assert stored["travel_radius_km"] == 8  # the second entry reached the same person
    source = f"paper form, 2026-12-01, staff: Siân Roberts ({STAFF.staff_id})"
    assert {(r["consent"], r["source"], r["form_version"]) for r in stored["consent_log"]} == {
        ("matched-events", source, "paper-2026-12"),
        ("texts", source, "paper-2026-12"),
    }


async def test_with_an_email_the_entry_waits_for_the_address_to_be_confirmed(
    signups: Signups, probe: EventProbe
) -> None:
    email = unique_email("gwen")
    async with signed_in(signups) as (http, csrf):
        form = entry(csrf, email=email, phone="", joined_by="phone call")
        entered = await http.post("/assisted/volunteers/new", data=form)

    assert entered.status_code == 303, entered.text
    person_id = entered.headers["location"].split("/")[3]
    [registered] = await sent(probe, "volunteer.registered", person_id)
    assert registered["data"]["email"] == email
    assert registered["data"]["confirm_url"]
    stored = await signups.db["people"].find_one({"email": email})
    assert stored is not None
    assert stored["status"] == "pending"
    assert {r["source"] for r in stored["consent_log"]} == {
        f"phone call, 2026-12-01, staff: Siân Roberts ({STAFF.staff_id})"
    }
    assert not [
        e
        for e in probe.events
        if e["type"] == "volunteer.confirmed" and e["data"]["person_id"] == person_id
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"on": "2099-01-01"}, "on"),
        ({"agreed": ""}, "agreed"),
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "029 2000 0000"}, "phone"),
        ({"joined_by": "carrier pigeon"}, "joined_by"),
        ({"form_version": "paper-1999"}, "form_version"),
    ],
)
async def test_errors_are_inline_and_nothing_is_written(
    signups: Signups, changes: dict[str, str], field: str
) -> None:
    name = f"Nobody {uuid.uuid4().hex[:6]}"
    async with signed_in(signups) as (http, csrf):
        page = await http.post("/assisted/volunteers/new", data=entry(csrf, name=name, **changes))

    assert page.status_code == 422, page.text
    assert f'id="{field}-error"' in page.text
    assert await people_named(signups, name) == []


async def test_without_a_genuine_pass_a_session_or_the_csrf_token_nothing_is_served_or_written(
    signups: Signups,
) -> None:
    secret = signups.settings.staff_pass_secret.get_secret_value()
    with mock.patch("time.time", return_value=time.time() - 16 * 60):
        expired = issue_pass(secret, STAFF)
    forged = issue_pass("another secret of thirty-two characters!", STAFF)
    moderator = a_pass(signups, StaffPass(uuid.uuid4(), "Mo Derator", "moderator"))
    name = f"Nobody {uuid.uuid4().hex[:6]}"

    async with signups.client() as http:
        for token in ("", expired, forged, moderator):
            refused = await http.get("/assisted/start", params={"pass": token})
            assert refused.status_code == 403, token
            assert "moderator pages" in refused.text
            assert "together_staff" not in refused.headers.get("set-cookie", "")
        assert (await http.get("/assisted")).status_code == 403
        posted = await http.post("/assisted/volunteers/new", data=entry("x", name=name))
        assert posted.status_code == 403
    async with signed_in(signups) as (http, _):
        no_token = await http.post("/assisted/volunteers/new", data=entry("", name=name))
        wrong = await http.post("/assisted/volunteers/new", data=entry("wrong", name=name))

    assert no_token.status_code == wrong.status_code == 403
    assert await people_named(signups, name) == []


async def test_erasure_by_mobile_number_is_told_with_its_phone_digest(
    signups: Signups, probe: EventProbe
) -> None:
    typed = mobile()
    async with signed_in(signups) as (http, csrf):
        entered = await http.post("/assisted/volunteers/new", data=entry(csrf, phone=typed))
        person_id = entered.headers["location"].split("/")[3]
        unknown = await http.post("/assisted/find", data={"csrf": csrf, "phone": "07700 900999x"})
        found = await http.post("/assisted/find", data={"csrf": csrf, "phone": e164(typed)})
        unasked = await http.post(
            f"/assisted/volunteers/{person_id}/erase", data={"csrf": csrf, "asked_by": "letter"}
        )
        erased = await http.post(
            f"/assisted/volunteers/{person_id}/erase",
            data={"csrf": csrf, "asked_by": "letter", "asked": "on"},
        )

    assert unknown.status_code == 422
    assert found.status_code == 200
    assert "Gwen Harries" in found.text
    assert unasked.status_code == 422
    assert erased.status_code == 303
    [requested] = await sent(probe, "person.erasure_requested", person_id)
    key = signups.settings.erasure_digest_key
    assert requested["data"]["phone_digest"] == phone_digest(e164(typed), key=key)
    assert requested["data"]["email_digest"] is None
    assert await signups.db["people"].find_one({"_id": person_id}) is None
    record = await signups.db["erasures"].find_one({"person_id": person_id})
    assert record is not None
    assert record["note"] == f"asked by letter, staff: Siân Roberts ({STAFF.staff_id})"


async def test_the_admin_view_shows_the_consent_ledger_and_the_erasure_note_as_stored(
    start: Callable[..., Awaitable[Signups]],
) -> None:
    signups = await start(admin_api_key=ADMIN_KEY)
    admin = {"X-API-Key": ADMIN_KEY}
    async with signed_in(signups) as (http, csrf):
        form = entry(csrf, joined_by="phone call", form_version="paper-2026-09")
        entered = await http.post("/assisted/volunteers/new", data=form)
        person_id = entered.headers["location"].split("/")[3]
        read = await http.get(f"/api/v1/signups/{person_id}", headers=admin)
        await http.post(
            f"/assisted/volunteers/{person_id}/erase",
            data={"csrf": csrf, "asked_by": "phone", "asked": "on"},
        )
        record = await signups.db["erasures"].find_one({"person_id": person_id})
        assert record is not None
        erasure = await http.get(f"/api/v1/erasures/{record['_id']}", headers=admin)

    assert read.status_code == 200, read.text
    assert read.json()["email"] is None
    source = f"phone call, 2026-12-01, staff: Siân Roberts ({STAFF.staff_id})"
    assert {(e["consent"], e["source"], e["form_version"]) for e in read.json()["consent_log"]} == {
        ("matched-events", source, "paper-2026-09"),
        ("texts", source, "paper-2026-09"),
    }
    assert erasure.json()["note"] == f"asked by phone, staff: Siân Roberts ({STAFF.staff_id})"


async def test_the_unique_index_on_every_email_of_earlier_releases_gives_way(
    start: Callable[..., Awaitable[Signups]], mongodb_url: str, database_name: str
) -> None:
    earlier: AsyncMongoClient[Document] = AsyncMongoClient(mongodb_url)
    try:
        await earlier[database_name]["people"].create_index("email", unique=True)
    finally:
        await earlier.close()
    signups = await start()
    async with signed_in(signups) as (http, csrf):
        first = await http.post("/assisted/volunteers/new", data=entry(csrf))
        second = await http.post("/assisted/volunteers/new", data=entry(csrf))

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] != second.headers["location"]
    indexes = await signups.db["people"].index_information()
    assert "email_1" not in indexes


async def test_the_assisted_pages_are_in_welsh_with_their_errors(signups: Signups) -> None:
    welsh = {"Accept-Language": "cy"}
    async with signed_in(signups) as (http, csrf):
        home = await http.get("/assisted", headers=welsh)
        refused = await http.post(
            "/assisted/volunteers/new", data=entry(csrf, agreed="", on="2099-01-01"), headers=welsh
        )
        entered = await http.post("/assisted/volunteers/new", data=entry(csrf), headers=welsh)
        letter = await http.get(entered.headers["location"], headers=welsh)

    assert "Cofrestru gyda chymorth" in home.text
    assert refused.status_code == 422
    assert "Ni all y dyddiad fod yn y dyfodol" in refused.text
    assert "Cadarnhewch fod y person wedi cytuno" in refused.text
    assert "Sut i atal" in letter.text
