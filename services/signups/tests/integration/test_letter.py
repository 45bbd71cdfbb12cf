"""The open letter in-process against the real broker and store: co-sign (form and API), confirm by
the emailed link, and the counts by nation and the public list (names and towns of those who
agreed, nothing else) change only then; one address signs once."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pymongo.asynchronous.collection import AsyncCollection
from signups.bootstrap import create_app
from signups.domain.letter import SignatoryDetails, Signature
from signups.domain.people import ConfirmOutcome
from signups.handlers import Context
from signups.handlers.letter import signatures
from signups.settings import Settings
from together_contracts import IntegrationEvent, Nation, SignatoryKind
from together_kit.testing.apps import running
from together_kit.testing.clock import Clock
from together_kit.testing.probe import EventProbe, event_probe
from together_kit.testing.retention import ids, ttl_seconds
from together_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

Document = dict[str, Any]


@dataclass
class Letter:
    http: httpx.AsyncClient
    signatures: AsyncCollection[Document]
    ctx: Context

    async def counts(self) -> dict[str, Any]:
        answer = await self.http.get("/api/v1/letter/counts")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def listed(self, page: int = 1) -> dict[str, Any]:
        answer = await self.http.get("/api/v1/letter/signatories", params={"page": page})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


@pytest.fixture
async def start_letter(
    service_settings: dict[str, Any],
) -> AsyncIterator[Callable[..., Awaitable[Letter]]]:
    """Signups in-process (`clock`: its clock, if given); every app started stops at the end."""
    async with AsyncExitStack() as stack:

        async def start(clock: Clock | None = None, **settings: Any) -> Letter:
            options = {"join_rate_limit": "1000/minute", "outbox_poll_seconds": 0.2, **settings}
            app = create_app(Settings(**service_settings, **options), clock=clock)
            http, db = await stack.enter_async_context(
                running(
                    app,
                    mongodb_url=service_settings["mongodb_url"],
                    database_name=service_settings["mongodb_database"],
                )
            )
            return Letter(http, db["letter_signatures"], app.state.context)

        yield start


@pytest.fixture
async def letter(start_letter: Callable[..., Awaitable[Letter]]) -> Letter:
    return await start_letter()


@pytest.fixture
async def probe(rabbitmq_url: str) -> AsyncIterator[EventProbe]:
    async with event_probe(rabbitmq_url, ["letter.*"]) as probe:
        yield probe


def signing(email: str, **changes: str) -> dict[str, str]:
    return {
        "kind": "person",
        "name": "Ann Jones",
        "town": "Cardiff",
        "email": email,
        "nation": "wales",
        "language": "en",
        "public": "yes",
        "invite": "yes",
        **changes,
    }


async def told(probe: EventProbe, event_type: str, **data: Any) -> list[dict[str, Any]]:
    async def found() -> list[dict[str, Any]]:
        return [
            event
            for event in probe.events
            if event["type"] == event_type
            and all(event["data"].get(key) == value for key, value in data.items())
        ]

    return await eventually(found, what=f"{event_type} with {data}")


def address() -> str:
    return f"ann.{uuid.uuid4().hex[:8]}@example.org"


async def test_a_signature_counts_and_is_listed_only_once_confirmed(
    letter: Letter, probe: EventProbe
) -> None:
    email = address()
    before = await letter.counts()

    signed = await letter.http.post("/letter", data=signing(f" {email.upper()} "))

    assert signed.status_code == 303
    assert signed.headers["location"] == "/letter/thanks"
    thanks = await letter.http.get("/letter/thanks")
    assert "Check your email" in thanks.text
    [event] = await told(probe, "letter.signed", email=email)
    assert set(event["data"]) == {"signature_id", "email", "language", "confirm_url"}
    assert await letter.counts() == before
    assert "Ann Jones" not in (await letter.http.get("/letter")).text

    path = urlsplit(event["data"]["confirm_url"]).path
    shown = await letter.http.get(path)
    assert shown.status_code == 200
    assert "Confirm your signature" in shown.text
    assert "Ann Jones" in shown.text
    assert await letter.counts() == before, "showing the link confirms nothing"
    confirmed = await letter.http.post(path)

    assert confirmed.status_code == 200
    assert "Your signature is on the open letter" in confirmed.text
    [done] = await told(probe, "letter.confirmed", signature_id=event["data"]["signature_id"])
    assert done["data"] == {
        "signature_id": event["data"]["signature_id"],
        "kind": "person",
        "nation": "wales",
        "invite": True,
        "language": "en",
    }
    after = await letter.counts()
    assert after["total"] == before["total"] + 1
    assert after["by_nation"]["wales"] == before["by_nation"]["wales"] + 1
    assert after["by_nation"]["england"] == before["by_nation"]["england"]
    assert {"name": "Ann Jones", "kind": "person", "town": "Cardiff"} in (await letter.listed())[
        "signatories"
    ]
    page = (await letter.http.get("/letter")).text
    assert "Ann Jones, Cardiff" in page
    assert email not in page
    again = await letter.http.post(path)
    assert "already confirmed" in again.text
    assert (await letter.counts())["total"] == after["total"]


async def test_one_address_signs_once_and_a_second_signature_sends_the_link_again(
    letter: Letter, probe: EventProbe
) -> None:
    email = address()
    assert (await letter.http.post("/letter", data=signing(email))).status_code == 303
    [first] = await told(probe, "letter.signed", email=email)

    other = signing(email, name="Someone Else", nation="england", public="")
    assert (await letter.http.post("/letter", data=other)).status_code == 303

    resent = await eventually(
        lambda: told(probe, "letter.signed", email=email), until=lambda found: len(found) == 2
    )
    assert {e["data"]["signature_id"] for e in resent} == {first["data"]["signature_id"]}
    [stored] = await letter.signatures.find({"email": email}).to_list()
    assert (stored["name"], stored["nation"], stored["public"]) == ("Ann Jones", "wales", True)
    assert (await letter.http.post(urlsplit(first["data"]["confirm_url"]).path)).status_code == 200
    counted = (await letter.counts())["total"]

    assert (await letter.http.post("/letter", data=other)).status_code == 303
    assert await letter.signatures.count_documents({"email": email}) == 1
    assert (await letter.counts())["total"] == counted


async def test_a_signatory_who_did_not_agree_is_counted_but_never_listed(
    letter: Letter, probe: EventProbe
) -> None:
    email = address()
    name = f"Quiet Signatory {uuid.uuid4().hex[:6]}"
    data = signing(email, name=name, kind="organisation", nation="scotland", public="")
    assert (await letter.http.post("/letter", data=data)).status_code == 303
    [event] = await told(probe, "letter.signed", email=email)
    before = await letter.counts()

    await letter.http.post(urlsplit(event["data"]["confirm_url"]).path)

    after = await letter.counts()
    assert after["by_nation"]["scotland"] == before["by_nation"]["scotland"] + 1
    assert name not in str(await letter.listed())
    assert name not in (await letter.http.get("/letter")).text


async def test_the_form_says_what_is_wrong_with_each_field(letter: Letter) -> None:
    wrong = {"kind": "", "name": "", "email": "ann-at-example", "nation": "mars", "town": "x" * 101}

    answer = await letter.http.post("/letter", data=wrong)

    assert answer.status_code == 422
    for message in (
        "Choose whether you sign as a person or for an organisation",
        "Enter your name, or your organisation&#39;s",
        "Enter your email address in the correct format",
        "Choose where you live or work",
        "Town must be 100 characters or fewer",
    ):
        assert message in answer.text
    assert 'href="#field-kind"' in answer.text
    assert 'value="ann-at-example"' in answer.text
    assert "Signatures so far" in answer.text


async def test_the_api_signs_alike_and_refuses_with_field_paths(
    letter: Letter, probe: EventProbe
) -> None:
    email = address()
    body = {"name": "Riverside Kitchen", "kind": "organisation", "email": email, "nation": "wales"}

    accepted = await letter.http.post("/api/v1/letter/signatures", json=body)
    refused = await letter.http.post(
        "/api/v1/letter/signatures", json={**body, "nation": "mars", "kind": "crowd"}
    )

    assert accepted.status_code == 202
    assert accepted.json()["status"] == "accepted"
    [event] = await told(probe, "letter.signed", email=email)
    assert event["data"]["language"] == "en"
    assert refused.status_code == 422
    assert {tuple(e["loc"]) for e in refused.json()["detail"]} == {
        ("body", "nation"),
        ("body", "kind"),
    }


async def test_the_public_list_is_paged(
    start_letter: Callable[..., Awaitable[Letter]], probe: EventProbe
) -> None:
    letter = await start_letter(signatories_per_page=2)
    names = [f"Signatory {n} {uuid.uuid4().hex[:4]}" for n in range(3)]
    for name in names:
        email = address()
        await letter.http.post("/letter", data=signing(email, name=name, town=""))
        [event] = await told(probe, "letter.signed", email=email)
        await letter.http.post(urlsplit(event["data"]["confirm_url"]).path)

    first, second = await letter.listed(1), await letter.listed(2)

    assert (first["pages"], first["total"]) == (2, 3)
    assert [s["name"] for s in first["signatories"] + second["signatories"]] == names
    assert second["signatories"][0]["town"] is None
    page = (await letter.http.get("/letter/signatories", params={"page": 2})).text
    assert names[2] in page
    assert names[0] not in page
    assert 'href="/letter/signatories?page=1"' in page


async def test_an_unconfirmed_signature_is_deleted_after_30_days(
    start_letter: Callable[..., Awaitable[Letter]],
) -> None:
    started = await start_letter(clock=(clock := Clock()), retention_sweep_seconds=0.2)
    store = signatures(started.ctx)
    made = [
        Signature(
            SignatoryDetails("Ann", SignatoryKind.PERSON, address(), Nation.WALES),
            signed_at=clock(),
        )
        for _ in range(2)
    ]
    unconfirmed, confirmed = made
    for signature in made:
        await store.add(signature, events=[])
    nonce = confirmed.confirmation_nonce or ""

    def confirm(current: Signature) -> list[IntegrationEvent]:
        assert current.confirm(nonce, clock()) is ConfirmOutcome.CONFIRMED
        return []

    await store.change(confirmed.id, confirm)

    clock.advance(days=31)

    left = await eventually(
        lambda: ids(started.signatures),
        until=lambda found: str(unconfirmed.id) not in found,
        what="the unconfirmed signature purged",
    )
    assert left == [str(confirmed.id)]
    assert await ttl_seconds(started.signatures, "pending_since") == 30 * 86_400
