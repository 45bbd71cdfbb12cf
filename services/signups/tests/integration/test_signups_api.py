"""The signups app in-process against the real broker and store: HTTP in, documents and events out.

Each test has its own database; the queue `signups.erasures` is shared by every signups app in the
session's virtual host, and only one app runs at a time. Events are told apart by person id or by
correlation id (the `X-Request-ID` of the request that caused them).
"""

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from bson import json_util
from fastapi import FastAPI
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from signups.adapters.people import MongoPeopleRepository
from signups.bootstrap import create_app
from signups.entrypoints.schemas import (
    ORGANISATION_EXAMPLE,
    SIGNATURE_EXAMPLE,
    VOLUNTEER_EXAMPLE,
    JoinAccepted,
)
from signups.handlers import Context, erasure, volunteers
from signups.handlers.erasure import ErasureOutcome
from signups.settings import Settings
from together_contracts import (
    Consent,
    PersonErased,
    PersonErasedData,
    VolunteerUnsubscribed,
    VolunteerUnsubscribedData,
    phone_digest,
)
from together_kit.messaging.outbox import AggregateCollection, RelayStaging
from together_kit.testing.apps import running
from together_kit.testing.clock import Clock
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

Document = dict[str, Any]
SIGNUPS = "/api/v1/signups"
ORGANISATIONS = "/api/v1/organisations"
BASE_URL = "http://signups.test"
ADMIN_KEY = "test-admin-key-123"
ADMIN = {"X-API-Key": ADMIN_KEY}
ACCEPTED = JoinAccepted().model_dump(mode="json")
"""The one answer to every join, known address or not."""
SIGNUPS_EVENTS = (
    "volunteer.registered",
    "volunteer.confirmed",
    "volunteer.updated",
    "volunteer.unsubscribed",
    "volunteer.change_requested",
    "volunteer.contact_changed",
    "connector.interested",
    "organisation.joined",
    "pledge.made",
    "pledge.published",
    "pledge.progress_link_requested",
    "pledge.update_submitted",
    "letter.signed",
    "letter.confirmed",
    "person.erasure_link_requested",
    "person.erasure_requested",
    "person.access_requested",
    "person.sign_in_requested",
)


@dataclass
class Signups:
    app: FastAPI
    http: httpx.AsyncClient
    db: AsyncDatabase[Document]
    clock: Clock

    @property
    def ctx(self) -> Context:
        ctx: Context = self.app.state.context
        return ctx

    async def join(self, request_id: str | None = None, **body: Any) -> httpx.Response:
        headers = {"X-Request-ID": request_id} if request_id else {}
        return await self.http.post(SIGNUPS, json=volunteer(**body), headers=headers)

    async def join_id(self, request_id: str | None = None, **body: Any) -> str:
        """Join, and the id of the person stored for the email (no answer says it)."""
        sent = volunteer(**body)
        headers = {"X-Request-ID": request_id} if request_id else {}
        response = await self.http.post(SIGNUPS, json=sent, headers=headers)
        assert response.is_success, response.text
        return await self.id_of(sent["email"].strip().lower())

    async def id_of(self, email: str) -> str:
        document = await self.db["people"].find_one({"email": email})
        assert document is not None, email
        return str(document["_id"])

    async def everything_stored(self) -> str:
        """Every document of every collection of this app's database, as one JSON text."""
        documents = []
        for name in await self.db.list_collection_names():
            documents += await self.db[name].find().to_list()
        return json_util.dumps(documents)


StartSignups = Callable[..., AbstractAsyncContextManager[Signups]]


@pytest.fixture
def start_signups(service_settings: dict[str, Any]) -> StartSignups:
    @asynccontextmanager
    async def start(**settings: Any) -> AsyncIterator[Signups]:
        options: dict[str, Any] = {
            "public_base_url": BASE_URL,
            "admin_api_key": ADMIN_KEY,
            "join_rate_limit": "1000/minute",
            "outbox_poll_seconds": 0.2,
            **service_settings,
            **settings,
        }
        app = create_app(Settings(**options), clock=(clock := Clock()))
        database = service_settings["mongodb_database"]
        url = service_settings["mongodb_url"]
        async with running(app, mongodb_url=url, database_name=database) as (http, db):
            yield Signups(app, http, db, clock)

    return start


@pytest.fixture
async def signups(start_signups: StartSignups) -> AsyncIterator[Signups]:
    async with start_signups() as app:
        yield app


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, SIGNUPS_EVENTS) as probe:
        yield probe


def unique_email(local: str = "ann") -> str:
    return f"{local}.{uuid.uuid4().hex[:8]}@example.org"


def volunteer(**changes: Any) -> dict[str, Any]:
    return {**VOLUNTEER_EXAMPLE, "email": unique_email(), **changes}


def path_of(url: str) -> str:
    """The path of a link in an email, to follow it in this app."""
    assert url.startswith(f"{BASE_URL}/")
    return url.removeprefix(BASE_URL)


def token_in(url: str, path: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL
    prefix, _, token = parts.path.rpartition("/")
    assert prefix == f"/{path}"
    return unquote(token)


async def events(
    probe: EventProbe, *, until: Callable[[list[Document]], bool], what: str
) -> list[Document]:
    async def seen() -> list[Document]:
        return probe.events

    return await eventually(seen, until=until, what=what)


async def event_caused_by(probe: EventProbe, request_id: str, event_type: str) -> Document:
    def match(seen: list[Document]) -> list[Document]:
        return [e for e in seen if e["correlation_id"] == request_id and e["type"] == event_type]

    found = await events(probe, until=lambda seen: bool(match(seen)), what=event_type)
    [event] = match(found)
    return event


def of_person(probe: EventProbe, person_id: str) -> list[tuple[str, str]]:
    """(type, correlation id) of each event about one person, in the order published."""
    return [
        (e["type"], e["correlation_id"])
        for e in probe.events
        if e["data"].get("person_id") == person_id
    ]


# Joining, rejoining, confirming, unsubscribing


async def test_join_stores_a_pending_person_and_sends_a_confirmation_link(
    signups: Signups, probe: EventProbe
) -> None:
    email = unique_email("bethan")

    response = await signups.join("join-1", email=f"  {email.upper()} ", postcode="cf101aa")

    assert (response.status_code, response.json()) == (202, ACCEPTED), response.text
    body = {"id": await signups.id_of(email)}
    document = await signups.db["people"].find_one({"_id": body["id"]})
    assert document is not None
    assert (document["email"], document["postcode"], document["status"]) == (
        email,
        "CF10 1AA",
        "pending",
    )
    assert [(c["consent"], c["granted"], c["source"]) for c in document["consent_log"]] == [
        ("matched-events", True, "api"),
        ("texts", True, "api"),
    ]
    assert (document["phone"], document["channels"]) == ("+447700900982", ["email", "sms"])
    registered = await event_caused_by(probe, "join-1", "volunteer.registered")
    assert registered["producer"] == "signups"
    data = registered["data"]
    assert (data["person_id"], data["email"], data["name"]) == (body["id"], email, "Ann Jones")
    assert (data["phone"], data["channels"]) == ("+447700900982", ["email", "sms"])
    claims = signups.ctx.tokens.read(token_in(data["confirm_url"], "confirm"), max_age=60)
    assert str(claims.subject) == body["id"]
    assert token_in(data["unsubscribe_url"], "stop-emails")


async def test_joining_again_changes_nothing_until_the_emailed_change_is_confirmed(
    signups: Signups, probe: EventProbe
) -> None:
    email = unique_email("cai")
    person_id = await signups.join_id("first", email=email, consent_news=True)
    registered = await event_caused_by(probe, "first", "volunteer.registered")
    confirm = path_of(registered["data"]["confirm_url"])
    assert (await signups.http.post(confirm)).status_code == 200
    stored = await signups.db["people"].find_one({"_id": person_id})
    signups.clock.advance(days=1)

    rewrite = {"name": "Mallory", "postcode": "M1 1AE", "phone": "07700 900123"}
    again = await signups.join(
        "second", email=email.upper(), travel_radius_km=40, consent_news=False, **rewrite
    )

    after = await signups.db["people"].find_one({"_id": person_id})
    assert stored is not None
    assert after is not None
    for kept in ("name", "postcode", "phone", "consents", "travel_radius_km", "consent_log"):
        assert after[kept] == stored[kept], kept
    assert (again.status_code, again.json()) == (202, ACCEPTED), again.text
    requested = await event_caused_by(probe, "second", "volunteer.change_requested")
    assert requested["data"]["email"] == email
    assert "Mallory" not in str(requested)
    change = path_of(requested["data"]["confirm_url"])

    shown = await signups.http.get(change, headers={"X-Request-ID": "look"})
    assert shown.status_code == 200, shown.text
    assert "Mallory" in shown.text
    assert (await signups.db["people"].find_one({"_id": person_id}) or {})["name"] == "Ann Jones"

    applied = await signups.http.post(change, headers={"X-Request-ID": "apply"})
    assert applied.status_code == 200, applied.text
    updated = await event_caused_by(probe, "apply", "volunteer.updated")
    assert updated["data"]["profile"]["travel_radius_km"] == 40
    assert email not in str(updated)
    document = await signups.db["people"].find_one({"_id": person_id})
    assert document is not None
    assert (document["name"], document["postcode"], document["consents"]) == (
        "Mallory",
        "M1 1AE",
        ["matched-events"],
    )
    assert document["consent_log"][-1] | {"at": None} == {
        "consent": "news",
        "granted": False,
        "form_version": "2026-11",
        "source": "change-link",
        "at": None,
    }
    assert of_person(probe, person_id) == [
        ("volunteer.registered", "first"),
        ("volunteer.confirmed", of_person(probe, person_id)[1][1]),
        ("volunteer.change_requested", "second"),
        ("volunteer.contact_changed", "apply"),
        ("volunteer.updated", "apply"),
    ]


async def test_every_join_gets_the_same_answer_known_or_not(signups: Signups) -> None:
    email = unique_email("gwen")
    answers = [
        await signups.join(email=email),
        await signups.join(email=email),
        await signups.join(email=email, name="Someone Else"),
        await signups.http.post(
            ORGANISATIONS, json={**ORGANISATION_EXAMPLE, "contact_email": email}
        ),
    ]

    assert {(a.status_code, a.text) for a in answers} == {(202, answers[0].text)}
    assert answers[0].json() == ACCEPTED


async def test_an_address_gets_at_most_its_daily_emails_whatever_asks(
    start_signups: StartSignups, probe: EventProbe
) -> None:
    email = unique_email("huw")
    organisation = {**ORGANISATION_EXAMPLE, "contact_email": email}
    async with start_signups(emails_per_address_per_day=2) as signups:
        asked = [
            await signups.http.post(ORGANISATIONS, json=organisation, headers={"X-Request-ID": r})
            for r in ("o1", "o2", "o3", "o4")
        ]
        asked.append(await signups.join("v1", email=email))
        await event_caused_by(probe, "o2", "organisation.joined")
        stored = await signups.db["organisations"].count_documents({})
        people = await signups.db["people"].count_documents({})

    assert (stored, people) == (2, 0)
    told = [e["correlation_id"] for e in probe.events if e["type"] == "organisation.joined"]
    assert sorted(told) == ["o1", "o2"]
    assert "v1" not in {e["correlation_id"] for e in probe.events}
    assert {(a.status_code, a.text) for a in asked} == {(202, asked[0].text)}


async def test_confirming_twice_tells_once_and_unsubscribing_tells_too(
    signups: Signups, probe: EventProbe
) -> None:
    person_id = await signups.join_id("join")
    registered = await event_caused_by(probe, "join", "volunteer.registered")
    confirm_url = registered["data"]["confirm_url"]
    unsubscribe_url = registered["data"]["unsubscribe_url"]

    looked = await signups.http.get(path_of(confirm_url), headers={"X-Request-ID": "look"})
    first = await signups.http.post(path_of(confirm_url), headers={"X-Request-ID": "confirm-1"})
    second = await signups.http.post(path_of(confirm_url), headers={"X-Request-ID": "confirm-2"})
    left = await signups.http.post(path_of(unsubscribe_url), headers={"X-Request-ID": "leave"})

    assert (looked.status_code, first.status_code, second.status_code) == (200, 200, 200)
    assert left.status_code == 200, left.text
    unsubscribed = await event_caused_by(probe, "leave", "volunteer.unsubscribed")
    assert unsubscribed["data"]["withdrawn"] == ["matched-events"]
    assert of_person(probe, person_id) == [
        ("volunteer.registered", "join"),
        ("volunteer.confirmed", "confirm-1"),
        ("volunteer.unsubscribed", "leave"),
    ]
    [confirmed] = [e for e in probe.events if e["type"] == "volunteer.confirmed"]
    assert confirmed["data"]["profile"]["outward_code"] == "CF10"
    assert "Ann Jones" not in str(confirmed)
    document = await signups.db["people"].find_one({"_id": person_id})
    assert document is not None
    assert (document["status"], document["consents"]) == ("confirmed", [])


# Erasure


async def test_erasure_deletes_the_person_leaves_a_tombstone_and_collects_answers(
    signups: Signups, probe: EventProbe, rabbitmq_url: str
) -> None:
    email = unique_email("dylan")
    person_id = await signups.join_id(
        "join", name="Dylan Thomas", email=email, phone="07700 900 456"
    )
    await event_caused_by(probe, "join", "volunteer.registered")
    assert email in await signups.everything_stored()

    # Through the handlers the /forget pages call, with the app's own context.
    await erasure.request_erasure_link(email, correlation_id="forget", ctx=signups.ctx)
    link = await event_caused_by(probe, "forget", "person.erasure_link_requested")
    assert link["data"]["email"] == email
    token = token_in(link["data"]["confirm_url"], "forget")
    outcome = await erasure.erase(token, correlation_id="erase", ctx=signups.ctx)

    assert outcome is ErasureOutcome.ERASED
    requested = await event_caused_by(probe, "erase", "person.erasure_requested")
    assert requested["data"]["person_id"] == person_id
    number = phone_digest("+447700900456", key=signups.ctx.erasure_key)
    assert requested["data"]["phone_digest"] == number
    erasure_id = requested["data"]["erasure_id"]
    assert await signups.db["people"].count_documents({}) == 0
    assert await signups.db["tombstones"].count_documents({}) == 1
    stored = (await signups.everything_stored()).lower()
    for personal in (email, "dylan thomas", "7700900456", "7700 900 456", "cf10 1aa"):
        assert personal not in stored

    status = await signups.http.get(f"/api/v1/erasures/{erasure_id}", headers=ADMIN)
    assert status.status_code == 200, status.text
    assert set(status.json()["answered"]) == {"signups"}
    assert status.json()["waiting_for"] == ["moderation", "matching", "notifications"]
    assert status.json()["complete"] is False

    await publish_event(
        rabbitmq_url,
        PersonErased(
            producer="matching",
            correlation_id="erase",
            data=PersonErasedData(
                erasure_id=uuid.UUID(erasure_id), person_id=uuid.UUID(person_id), service="matching"
            ),
        ),
    )

    async def read_status() -> Document:
        response = await signups.http.get(f"/api/v1/erasures/{erasure_id}", headers=ADMIN)
        body: Document = response.json()
        return body

    answered = await eventually(
        read_status, until=lambda s: "matching" in s["answered"], what="matching's answer"
    )
    assert answered["waiting_for"] == ["moderation", "notifications"]
    again = await erasure.erase(token, correlation_id="erase-again", ctx=signups.ctx)
    assert again is ErasureOutcome.ALREADY_ERASED

    assert await signups.join_id("rejoin", email=email) != person_id


# Admin reads


async def test_admin_reads_need_the_admin_key(signups: Signups) -> None:
    email = unique_email("eira")
    person_id = await signups.join_id(email=email, phone="029 2000 0000", channels=["email"])
    erasure_path = f"/api/v1/erasures/{uuid.uuid4()}"

    for path in (f"{SIGNUPS}/{person_id}", f"{SIGNUPS}?email={email}", erasure_path):
        assert (await signups.http.get(path)).status_code == 401, path
        wrong = await signups.http.get(path, headers={"X-API-Key": "not-the-key"})
        assert wrong.status_code == 401, path

    one = await signups.http.get(f"{SIGNUPS}/{person_id}", headers=ADMIN)
    assert one.status_code == 200, one.text
    assert (one.json()["email"], one.json()["phone"], one.json()["status"]) == (
        email,
        "+442920000000",
        "pending",
    )
    assert one.json()["channels"] == ["email"]
    found = await signups.http.get(SIGNUPS, params={"email": f"  {email.upper()} "}, headers=ADMIN)
    assert found.status_code == 200, found.text
    assert [p["id"] for p in found.json()] == [person_id]
    nobody = await signups.http.get(SIGNUPS, params={"email": unique_email()}, headers=ADMIN)
    assert nobody.json() == []
    missing = await signups.http.get(f"{SIGNUPS}/{uuid.uuid4()}", headers=ADMIN)
    assert missing.status_code == 404
    assert (await signups.http.get(erasure_path, headers=ADMIN)).status_code == 404


async def test_admin_reads_are_refused_when_no_key_is_configured(
    start_signups: StartSignups,
) -> None:
    async with start_signups(admin_api_key=None) as signups:
        response = await signups.http.get(f"{SIGNUPS}/{uuid.uuid4()}", headers=ADMIN)

    assert response.status_code == 401


# Organisations


async def test_an_organisation_joins_and_confirming_makes_its_pledge(
    signups: Signups, probe: EventProbe
) -> None:
    response = await signups.http.post(
        ORGANISATIONS,
        json={**ORGANISATION_EXAMPLE, "contact_email": " Sam@Riverside.Example.ORG "},
        headers={"X-Request-ID": "org"},
    )

    assert (response.status_code, response.json()) == (202, ACCEPTED), response.text
    joined = await event_caused_by(probe, "org", "organisation.joined")
    organisation_id = joined["data"]["organisation_id"]
    assert joined["data"]["contact_email"] == "sam@riverside.example.org"
    assert joined["data"]["outward_code"] == "M1"

    confirm_url = joined["data"]["confirm_url"]
    token_in(confirm_url, "confirm")
    shown = await signups.http.get(path_of(confirm_url), headers={"X-Request-ID": "look"})
    assert shown.status_code == 200, shown.text
    assert "Riverside Community Kitchen" in shown.text
    assert (await signups.db["organisations"].find_one({"_id": organisation_id}) or {}).get(
        "confirmed_at"
    ) is None
    followed = await signups.http.post(path_of(confirm_url), headers={"X-Request-ID": "pledge"})

    assert followed.status_code == 200, followed.text
    pledge = await event_caused_by(probe, "pledge", "pledge.made")
    assert pledge["data"]["organisation_id"] == organisation_id
    assert pledge["data"]["organisation_name"] == "Riverside Community Kitchen"
    assert pledge["data"]["categories"] == ["food-and-mutual-aid", "community-events"]
    document = await signups.db["organisations"].find_one({"_id": organisation_id})
    assert document is not None
    assert document["confirmed_at"] is not None


# Idempotency-Key


async def test_a_retried_post_with_its_idempotency_key_replays_the_first_response(
    signups: Signups, probe: EventProbe
) -> None:
    body = volunteer()
    headers = {"Idempotency-Key": f"retry-{uuid.uuid4()}"}

    first = await signups.http.post(SIGNUPS, json=body, headers={**headers, "X-Request-ID": "a"})
    again = await signups.http.post(SIGNUPS, json=body, headers={**headers, "X-Request-ID": "b"})

    assert first.status_code == again.status_code == 202, again.text
    assert again.json() == first.json()
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await signups.db["people"].count_documents({}) == 1
    await event_caused_by(probe, "a", "volunteer.registered")
    person_id = await signups.id_of(body["email"])
    assert of_person(probe, person_id) == [("volunteer.registered", "a")]


async def test_an_idempotency_key_reused_for_another_body_is_refused(signups: Signups) -> None:
    headers = {"Idempotency-Key": f"reuse-{uuid.uuid4()}"}
    first = await signups.http.post(SIGNUPS, json=volunteer(), headers=headers)

    other = await signups.http.post(SIGNUPS, json=volunteer(), headers=headers)

    assert first.status_code == 202, first.text
    assert other.status_code == 422, other.text
    assert [e["loc"] for e in other.json()["detail"]] == [["header", "Idempotency-Key"]]
    assert await signups.db["people"].count_documents({}) == 1


async def test_the_same_idempotency_key_in_each_api_is_its_own(signups: Signups) -> None:
    headers = {"Idempotency-Key": f"shared-{uuid.uuid4()}"}

    person = await signups.http.post(SIGNUPS, json=volunteer(), headers=headers)
    organisation = await signups.http.post(
        ORGANISATIONS, json=ORGANISATION_EXAMPLE, headers=headers
    )

    assert (person.status_code, organisation.status_code) == (202, 202), organisation.text
    assert "Idempotent-Replayed" not in organisation.headers


# Bad input and abuse


@pytest.mark.parametrize(
    ("path", "changes", "location"),
    [
        (SIGNUPS, {"admin": True}, ["body", "admin"]),
        (SIGNUPS, {"postcode": "nonsense"}, ["body", "postcode"]),
        (SIGNUPS, {"email": "not-an-email"}, ["body", "email"]),
        (SIGNUPS, {"interests": ["knitting"]}, ["body", "interests", 0]),
        (SIGNUPS, {"travel_radius_km": 500}, ["body", "travel_radius_km"]),
        (SIGNUPS, {"name": "\x00 \u200b"}, ["body", "name"]),
        (ORGANISATIONS, {"verified": True}, ["body", "verified"]),
        (ORGANISATIONS, {"postcode": "SW1A"}, ["body", "postcode"]),
        (ORGANISATIONS, {"pledge": "p" * 2001}, ["body", "pledge"]),
    ],
)
async def test_a_bad_body_is_422_naming_the_field_and_stores_nothing(
    signups: Signups, path: str, changes: Document, location: list[object]
) -> None:
    body = {**(volunteer() if path == SIGNUPS else ORGANISATION_EXAMPLE), **changes}

    response = await signups.http.post(path, json=body)

    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert [e["loc"] for e in errors] == [location]
    assert all(e["msg"] for e in errors)
    assert await signups.db["people"].count_documents({}) == 0
    assert await signups.db["organisations"].count_documents({}) == 0


@pytest.mark.parametrize("postcode", ["AA1 1AA", "QQ1 1AA", "GIR 0AA", "BFPO 801"])
async def test_a_postcode_whose_district_cannot_be_placed_is_refused_as_malformed(
    signups: Signups, postcode: str
) -> None:
    malformed = await signups.http.post(SIGNUPS, json=volunteer(postcode="nonsense"))

    response = await signups.http.post(SIGNUPS, json=volunteer(postcode=postcode))

    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "postcode"]
    assert error["msg"] == malformed.json()["detail"][0]["msg"]
    assert await signups.db["people"].count_documents({}) == 0


async def test_a_real_district_missing_from_the_table_is_accepted(
    signups: Signups, probe: EventProbe
) -> None:
    email = unique_email("ze")

    response = await signups.join("join-ze9", email=email, postcode="ze9 9zz")

    assert response.status_code == 202, response.text
    document = await signups.db["people"].find_one({"email": email})
    assert document is not None
    assert (document["postcode"], document["outward_code"]) == ("ZE9 9ZZ", "ZE9")
    registered = await event_caused_by(probe, "join-ze9", "volunteer.registered")
    assert registered["data"]["email"] == email


@pytest.mark.parametrize(
    ("content", "location"),
    [
        (b'{"name": "\\ud800", "email": "ann@example.org", "postcode": "SW1A 1AA"}', "name"),
        (b'{"name": "Ann", "email": "\\udfff@example.org", "postcode": "SW1A 1AA"}', "email"),
        (
            b'{"name": "Ann", "email": "ann@example.org", "postcode": "SW1A 1AA", '
            b'"travel_radius_km": 1e400}',
            "travel_radius_km",
        ),
        (
            b'{"name": "Ann", "email": "ann@example.org", "postcode": "SW1A 1AA", '
            b'"travel_radius_km": NaN}',
            "travel_radius_km",
        ),
    ],
    ids=["surrogate-name", "surrogate-email", "infinite-radius", "nan-radius"],
)
async def test_an_input_json_cannot_echo_is_still_a_422(
    signups: Signups, content: bytes, location: str
) -> None:
    response = await signups.http.post(
        SIGNUPS, content=content, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422, response.text
    assert ["body", location] in [e["loc"] for e in response.json()["detail"]]
    assert await signups.db["people"].count_documents({}) == 0


async def test_a_body_that_is_not_json_is_422(signups: Signups) -> None:
    response = await signups.http.post(
        SIGNUPS, content=b'{"name": ', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422, response.text


LIMIT = 64 * 1024


async def test_a_body_over_64_kb_is_413(signups: Signups) -> None:
    content = httpx.Request("POST", "http://t", json=volunteer(name="A" * LIMIT)).content
    assert len(content) > LIMIT

    response = await signups.http.post(
        SIGNUPS, content=content, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413, response.text
    assert await signups.db["people"].count_documents({}) == 0


async def test_a_chunked_body_over_64_kb_is_413(signups: Signups) -> None:
    start = httpx.Request("POST", "http://t", json=volunteer()).content[:-1]

    async def chunks() -> AsyncIterator[bytes]:
        yield start
        for _ in range(65):
            yield b" " * 1024  # JSON whitespace: the body stays valid, only too large
        yield b"}"

    response = await signups.http.post(
        SIGNUPS, content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413, response.text
    assert await signups.db["people"].count_documents({}) == 0


async def test_joining_too_often_is_429_with_retry_after(start_signups: StartSignups) -> None:
    async with start_signups(join_rate_limit="3/minute") as signups:
        allowed = [(await signups.join()).status_code for _ in range(3)]
        refused = await signups.join()
        organisation = await signups.http.post(ORGANISATIONS, json=ORGANISATION_EXAMPLE)
        admin = await signups.http.get(SIGNUPS, params={"email": unique_email()}, headers=ADMIN)
        stored = await signups.db["people"].count_documents({})
        emails_counted = [quota["count"] async for quota in signups.db["mail_quota"].find()]

    assert allowed == [202, 202, 202]
    assert refused.status_code == 429, refused.text
    assert sorted(emails_counted) == [0, 1, 1, 1]  # the refused join's email taken and given back
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert organisation.status_code == 429
    assert admin.status_code == 200
    assert stored == 3


async def test_a_replayed_join_counts_against_the_rate_too(start_signups: StartSignups) -> None:
    headers = {"Idempotency-Key": f"replayed-{uuid.uuid4()}"}
    async with start_signups(join_rate_limit="1/minute") as signups:
        sent = volunteer()
        first = await signups.http.post(SIGNUPS, json=sent, headers=headers)
        replayed = await signups.http.post(SIGNUPS, json=sent, headers=headers)
        stored = await signups.db["people"].count_documents({})

    assert first.status_code == 202, first.text
    assert replayed.status_code == 429, replayed.text
    assert stored == 1


# CORS


PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type,idempotency-key",
}


async def test_partner_origins_may_post_from_a_browser_and_others_may_not(
    start_signups: StartSignups,
) -> None:
    async with start_signups(cors_origins=("https://partner.example",)) as signups:
        allowed = await signups.http.options(
            SIGNUPS, headers={"Origin": "https://partner.example", **PREFLIGHT}
        )
        refused = await signups.http.options(
            SIGNUPS, headers={"Origin": "https://elsewhere.example", **PREFLIGHT}
        )
        posted = await signups.http.post(
            SIGNUPS, json=volunteer(), headers={"Origin": "https://partner.example"}
        )

    assert allowed.status_code == 200, allowed.text
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://partner.example"
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert "idempotency-key" in allowed.headers["Access-Control-Allow-Headers"].lower()
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert posted.status_code == 202, posted.text
    assert posted.headers["Access-Control-Allow-Origin"] == "https://partner.example"


async def test_without_partner_origins_no_cross_origin_post_is_allowed(signups: Signups) -> None:
    response = await signups.http.options(
        SIGNUPS, headers={"Origin": "https://partner.example", **PREFLIGHT}
    )

    assert "Access-Control-Allow-Origin" not in response.headers


# Operations and documentation


async def test_health_readiness_and_metrics(signups: Signups) -> None:
    created = await signups.join()
    assert created.status_code == 202, created.text

    async def drained() -> int:
        return await signups.db["people"].count_documents({"outbox_pending": {"$gt": 0}})

    await eventually(drained, until=lambda n: n == 0, what="outbox drained")
    healthz = await signups.http.get("/healthz")
    readyz = await signups.http.get("/readyz")
    metrics = await signups.http.get("/metrics")

    assert healthz.json() == {"status": "ok"}
    assert readyz.status_code == 200, readyz.text
    assert readyz.json() == {"status": "ready", "checks": {"store": True, "broker": True}}
    assert 'messages_published_total{event_type="volunteer.registered"} 1.0' in metrics.text
    assert "outbox_backlog 0.0" in metrics.text


async def test_asyncapi_lists_every_event_signups_tells_and_hears(signups: Signups) -> None:
    document = (await signups.http.get("/asyncapi.json")).json()

    channels = document["channels"]
    sent = [o["channel"]["$ref"] for o in document["operations"].values() if o["action"] == "send"]
    received = [
        o["channel"]["$ref"] for o in document["operations"].values() if o["action"] == "receive"
    ]

    assert sorted(channels[ref.rpartition("/")[2]]["address"] for ref in sent) == sorted(
        SIGNUPS_EVENTS
    )
    for event_type in SIGNUPS_EVENTS:
        channel = channels[f"{event_type}:publish"]
        assert channel["bindings"]["amqp"]["exchange"]["name"] == "together.events"
    assert sorted(channels[ref.rpartition("/")[2]]["address"] for ref in received) == [
        "person.access_answered",
        "person.erased",
        "pledge.approved",
        "volunteer.texts_stopped",
        "volunteer.unsubscribed",
    ]
    heard = json.dumps(document["components"]["schemas"])
    assert '"default": "pledge.rejected"' in heard, "one queue hears both decisions on pledges"


async def test_openapi_documents_both_posts_with_complete_examples(signups: Signups) -> None:
    document = (await signups.http.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]

    for path, example in (
        (SIGNUPS, VOLUNTEER_EXAMPLE),
        (ORGANISATIONS, ORGANISATION_EXAMPLE),
        ("/api/v1/letter/signatures", SIGNATURE_EXAMPLE),
    ):
        operation = document["paths"][path]["post"]
        reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = schemas[reference.rpartition("/")[2]]
        assert schema["examples"] == [example]
        assert set(example) == set(schema["properties"]), path
        assert schema["additionalProperties"] is False
        assert {"202", "422", "429"} <= set(operation["responses"])
        assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
    for path in (f"{SIGNUPS}/{{person_id}}", SIGNUPS, "/api/v1/erasures/{erasure_id}"):
        assert document["paths"][path]["get"]["security"], path


async def test_dates_survive_repeated_rejoins(signups: Signups) -> None:
    """Each rejoin rewrites the person; stored times must stay times, not strings."""
    body = {
        "name": "Rhian",
        "email": f"rhian-{uuid.uuid4().hex[:6]}@example.org",
        "postcode": "SA1 1AA",
    }
    await signups.http.post(SIGNUPS, json=body)
    for radius in (5, 6, 7):
        signups.clock.advance(minutes=11)
        again = await signups.http.post(SIGNUPS, json={**body, "travel_radius_km": radius})
        assert again.status_code == 202, again.text
    stored = await signups.db["people"].find_one({"email": body["email"]})
    assert stored is not None
    assert isinstance(stored["joined_at"], datetime)
    assert isinstance(stored["confirmation_sent_at"], datetime)
    assert isinstance(stored["pending_change"]["requested_at"], datetime)

    signups.clock.advance(days=8)
    assert await volunteers.drop_stale_changes(ctx=signups.ctx) == 1
    dropped = await signups.db["people"].find_one({"email": body["email"]})
    assert dropped is not None
    assert dropped["pending_change"] is None
    assert "Rhian" in dropped["name"]


class _WrittenMeanwhile:
    """The people collection, where another writer changes a document just before our first
    write to it lands: that write is refused, and the change runs again on a fresh read."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection
        self.interleaved = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)

    async def replace_one(self, query: Document, *args: Any, **kwargs: Any) -> Any:
        if not self.interleaved:
            self.interleaved += 1
            await self._collection.update_one({"_id": query["_id"]}, {"$inc": {"version": 1}})
        return await self._collection.replace_one(query, *args, **kwargs)


async def test_a_stale_change_dropped_on_a_second_attempt_counts_once(signups: Signups) -> None:
    body = volunteer()
    await signups.http.post(SIGNUPS, json=body)
    signups.clock.advance(minutes=11)
    await signups.http.post(
        SIGNUPS, json={**body, "travel_radius_km": body["travel_radius_km"] + 1}
    )
    signups.clock.advance(days=8)
    people = _WrittenMeanwhile(signups.db["people"])
    repository = MongoPeopleRepository(
        AggregateCollection(cast(Any, people), staging=RelayStaging(lambda: None))
    )

    dropped = await volunteers.drop_stale_changes(ctx=replace(signups.ctx, people=repository))

    assert people.interleaved == 1
    assert dropped == 1
    stored = await signups.db["people"].find_one({"email": body["email"]})
    assert stored is not None
    assert stored["pending_change"] is None


async def test_an_unsubscribe_told_by_notifications_is_kept_in_the_consent_log(
    signups: Signups, rabbitmq_url: str
) -> None:
    person_id = uuid.UUID(await signups.join_id(consent_matched_events=True, consent_news=True))
    told = VolunteerUnsubscribed(
        producer="notifications",
        correlation_id="one-click",
        data=VolunteerUnsubscribedData(
            person_id=person_id, withdrawn=[Consent.MATCHED_EVENTS, Consent.NEWS], source="link"
        ),
    )
    await publish_event(rabbitmq_url, told)

    async def consents() -> list[str]:
        stored = await signups.db["people"].find_one({"_id": str(person_id)})
        return list(stored["consents"]) if stored else ["missing"]

    assert await eventually(consents, until=lambda c: c == [], what="consents withdrawn") == []
    stored = await signups.db["people"].find_one({"_id": str(person_id)})
    assert stored is not None
    withdrawals = [r for r in stored["consent_log"] if not r["granted"]]
    assert {r["source"] for r in withdrawals} == {"notifications"}
    assert len(withdrawals) == 2
