"""The three user journeys through all four services as real processes.

Each test starts signups, moderation, matching and notifications the way `make run` does (real
processes on RabbitMQ and the embedded store, email to the local SMTP sink) and drives them only
as their users do: forms and links over HTTP, email read at the sink, the moderator UI with a
signed-in session. The broker is read only to capture what was published (for the replay) and,
in the erasure journey, to know when every replayed message has been consumed.
"""

import asyncio
import html
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pyotp
import pytest
from pymongo import AsyncMongoClient
from together_kit.testing.probe import event_probe, publish_raw
from together_kit.testing.processes import run_module
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import SERVICES, System

pytestmark = pytest.mark.e2e

ADMIN_KEY = "e2e-admin-key-0123456789"
LEAD_EMAIL = "lena.lead@together.example"
LEAD_PASSWORD = "a-long-lead-password-42"
LONDON = ZoneInfo("Europe/London")
DAYTIME_NOTIFICATIONS = Path(__file__).with_name("daytime_notifications.py")
STEP = 45.0
"""Deadline of one cross-service step (two cores run four services, the store and the broker)."""
TEXTS_AT_ANY_HOUR = {
    "NOTIFICATIONS_SMS_QUIET_START": "00:00",
    "NOTIFICATIONS_SMS_QUIET_END": "00:00",
}
"""Notifications' settings for no quiet hours of texts, so that a journey texts at any hour (email's
quiet hours are no setting: journeys that need them gone run DAYTIME_NOTIFICATIONS)."""
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


# --- the system -------------------------------------------------------------------------------


async def start_everything(
    system: System,
    sink: Any,
    *,
    matching: Sequence[str] | None = None,
    signups_env: Mapping[str, str] | None = None,
    **matching_env: str,
) -> None:
    """The four services, as `make run` starts them, with emails going to `sink`; matching by
    `matching` (a launcher command, e.g. travelling_matching.py) with `matching_env` if given,
    signups with `signups_env` besides its admin key."""
    system.start("signups", SIGNUPS_ADMIN_API_KEY=ADMIN_KEY, **(signups_env or {}))
    system.start("moderation", MODERATION_LEAD_EMAILS=json.dumps([LEAD_EMAIL]))
    system.start("matching", command=matching, **matching_env)
    system.start(
        "notifications",
        command=[sys.executable, str(DAYTIME_NOTIFICATIONS)],
        NOTIFICATIONS_SMTP_HOST="127.0.0.1",
        NOTIFICATIONS_SMTP_PORT=str(sink.smtp_port),
        NOTIFICATIONS_ADMIN_API_KEY=ADMIN_KEY,
        NOTIFICATIONS_DISPATCH_POLL_SECONDS="0.2",
    )
    for name in SERVICES:
        await asyncio.to_thread(system.processes[name].wait_ready, 60.0)


# --- email at the sink ------------------------------------------------------------------------


def plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, f"no plain-text part in {message['Subject']!r}"
    return str(part.get_content())


async def mail_to(sink: Any, address: str, subject: str, *, timeout: float = STEP) -> EmailMessage:
    """The first email to `address` whose subject contains `subject`."""

    async def found() -> EmailMessage | None:
        for message in list(sink.messages):
            if address in str(message["To"]) and subject in str(message["Subject"]):
                return message  # type: ignore[no-any-return]
        return None

    seen = await eventually(found, timeout=timeout, what=f"email {subject!r} to {address}")
    assert seen is not None
    return seen


async def text_to(sink: Any, phone: str, words: str, *, timeout: float = STEP) -> Any:
    """The first text to `phone` (E.164) at the local SMS sink that contains `words`."""

    async def found() -> Any:
        return next((t for t in sink.texts_to(phone) if words in t.body), None)

    seen = await eventually(found, timeout=timeout, interval=0.3, what=f"a text saying {words!r}")
    assert seen is not None
    return seen


async def list_and_approve(
    desk: httpx.AsyncClient, system: System, title: str, starts: datetime
) -> None:
    """A riverside litter pick in Cardiff (CF24) listed through matching's API, and approved by
    the lead signed in at `desk`."""
    async with httpx.AsyncClient(base_url=system.url("matching"), timeout=30) as matching:
        listed = await matching.post(
            "/api/v1/events",
            json={
                "title": title,
                "description": "Gloves, bags and tea provided.",
                "event_type": "environment",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "postcode": "CF24 3AA",
                "venue_name": "The boathouse",
                "address_lines": ["Taff Embankment"],
                "town": "Cardiff",
                "organiser_name": "Rhian Evans",
                "places": 3,
                "roles": ["Picking"],
                "organiser_email": f"organiser-{unique_tag()}@example.org",
            },
        )
        assert listed.status_code == 201, listed.text
    item_id = await item_in_queue(desk, title)
    item = await desk.get(f"/moderation/items/{item_id}")
    approved = await desk.post(
        f"/moderation/items/{item_id}/approve", data={"csrf": csrf_of(item.text)}
    )
    assert approved.status_code == 303, approved.text


def link(text: str, start: str) -> str:
    """The one link in `text` that begins with `start`."""
    found: set[str] = set(re.findall(re.escape(start) + r"[^\s<>\"']+", text))
    assert len(found) == 1, f"expected one link starting {start} in:\n{text}"
    return found.pop()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- the moderator ----------------------------------------------------------------------------


def create_lead(system: System) -> None:
    """`python -m moderation.cli create-lead --password-stdin`, as an operator runs it."""
    run_module(
        "moderation.cli",
        *("create-lead", "--email", LEAD_EMAIL, "--name", "Lena", "--password-stdin"),
        env={
            "MONGODB_URL": system.mongodb_url,
            "MODERATION_MONGODB_DATABASE": system.database("moderation"),
        },
        input=f"{LEAD_PASSWORD}\n",
        timeout=60,
    )


@asynccontextmanager
async def moderator(system: System) -> AsyncIterator[httpx.AsyncClient]:
    """A lead moderator signed in to /moderation: the client keeps the session cookie and sends
    the Origin a browser would."""
    await asyncio.to_thread(create_lead, system)
    base = system.url("moderation")
    async with httpx.AsyncClient(base_url=base, timeout=30, headers={"Origin": base}) as client:
        signed_in = await client.post(
            "/moderation/login", data={"email": LEAD_EMAIL, "password": LEAD_PASSWORD}
        )
        assert signed_in.headers.get("location") == "/moderation/enrol", signed_in.text
        await enrol_second_factor(client)
        assert "moderation_session" in client.cookies
        queue = await client.get("/moderation")
        assert queue.status_code == 200
        yield client


async def enrol_second_factor(client: httpx.AsyncClient) -> None:
    """The first sign-in's enrolment, as an authenticator app would do it: read the key off the
    page and answer with the code it gives now."""
    page = await client.get("/moderation/enrol")
    found = re.search(r'id="totp-secret">([^<]+)<', page.text)
    assert found, page.text
    code = pyotp.TOTP(found.group(1).replace(" ", "")).now()
    done = await client.post("/moderation/enrol", data={"csrf": csrf_of(page.text), "code": code})
    assert done.status_code == 200, done.text
    assert "Your recovery codes" in done.text


async def item_in_queue(client: httpx.AsyncClient, title: str) -> str:
    """The id of the queue's item titled `title`, once it has reached the queue."""
    row = re.compile(
        rf'href="[^"]*/items/({UUID_PATTERN})" class="item-link">{re.escape(html.escape(title))}<'
    )

    async def listed() -> str | None:
        page = await client.get("/moderation")
        assert page.status_code == 200
        found = row.search(page.text)
        return found.group(1) if found else None

    item_id = await eventually(listed, timeout=STEP, interval=0.3, what=f"{title!r} in the queue")
    assert item_id is not None
    return item_id


async def claimed(client: httpx.AsyncClient, item_id: str) -> httpx.Response:
    """The item's page once this moderator has claimed it (a POST: opening it claims nothing),
    with the decision forms on it."""
    opened = await client.get(f"/moderation/items/{item_id}")
    claim = await client.post(
        f"/moderation/items/{item_id}/claim", data={"csrf": csrf_of(opened.text)}
    )
    assert claim.status_code == 303, claim.text
    item = await client.get(f"/moderation/items/{item_id}")
    assert item.status_code == 200, item.text
    return item


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return html.unescape(found.group(1))


def textarea(page: str, field_id: str) -> str:
    found = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no textarea #{field_id}"
    return html.unescape(found.group(1))


def input_value(page: str, field_id: str) -> str:
    found = re.search(rf'<input[^>]*id="{field_id}"[^>]*value="([^"]*)"', page)
    assert found, f"no input #{field_id}"
    return html.unescape(found.group(1))


async def approve_redacted(
    desk: httpx.AsyncClient, item_id: str, item: httpx.Response, *, text: str | None = None
) -> httpx.Response:
    """Approves a claimed item as redacted: its suggested title, and `text` (else the suggested)."""
    return await desk.post(
        f"/moderation/items/{item_id}/approve",
        data={
            "csrf": csrf_of(item.text),
            "title": input_value(item.text, "field-redacted-title"),
            "text": textarea(item.text, "field-redacted-text") if text is None else text,
        },
    )


# --- journeys ---------------------------------------------------------------------------------


def next_saturday_morning() -> datetime:
    """11:00 London time on a Saturday at least three days away."""
    today = datetime.now(LONDON).date() + timedelta(days=3)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    return datetime.combine(saturday, datetime.min.time(), tzinfo=LONDON).replace(hour=11)


async def join_and_confirm(
    system: System, sink: Any, *, name: str, email: str, postcode: str, interest: str
) -> None:
    """Join at /join (the form), receive the confirmation email, follow its link."""
    async with httpx.AsyncClient(base_url=system.url("signups"), timeout=30) as client:
        joined = await client.post(
            "/join",
            data={
                "name": name,
                "email": email,
                "postcode": postcode,
                "interests": [interest],
                "availability": ["weekends"],
                "travel_radius_km": "15",
                "language": "en",
                "consent_matched_events": "yes",
            },
        )
        assert joined.status_code == 303, joined.text
        assert joined.headers["location"].endswith("/join/thanks")

    confirmation = await mail_to(sink, email, "Confirm your email address")
    confirm_url = link(plain_text(confirmation), f"{system.url('signups')}/confirm/")
    async with httpx.AsyncClient(timeout=30) as browser:
        shown = await browser.get(confirm_url)
        assert shown.status_code == 200, shown.text
        confirmed = await browser.post(confirm_url)
    assert confirmed.status_code == 200, confirmed.text


async def test_volunteer_is_matched_to_an_approved_event_and_takes_a_place(
    system: System, mail_sink: Any
) -> None:
    await start_everything(system, mail_sink)
    tag = unique_tag()
    email = f"rhys-{tag}@example.org"
    await join_and_confirm(
        system,
        mail_sink,
        name="Rhys Volunteer",
        email=email,
        postcode="CF10 1AA",
        interest="environment",
    )

    title = f"Taff riverbank litter pick {tag}"
    starts = next_saturday_morning()
    async with httpx.AsyncClient(base_url=system.url("matching"), timeout=30) as matching:
        listed = await matching.post(
            "/api/v1/events",
            json={
                "title": title,
                "description": "Gloves, bags and tea provided. Meet by the boathouse.",
                "event_type": "environment",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "postcode": "CF24 3AA",
                "venue_name": "The boathouse",
                "address_lines": ["Taff Embankment"],
                "town": "Cardiff",
                "organiser_name": "Rhian Evans",
                "places": 3,
                "roles": ["Picking", "Sorting"],
                "organiser_email": f"organiser-{tag}@example.org",
            },
        )
        assert listed.status_code == 201, listed.text
        event_id = listed.json()["id"]
        not_yet = await matching.get("/api/v1/events", params={"near": "CF10 1AA"})
        assert event_id not in [e["id"] for e in not_yet.json()], "public before approval"

        async with moderator(system) as desk:
            item_id = await item_in_queue(desk, title)
            item = await desk.get(f"/moderation/items/{item_id}")
            assert item.status_code == 200
            assert "listing" in item.text
            approved = await desk.post(
                f"/moderation/items/{item_id}/approve", data={"csrf": csrf_of(item.text)}
            )
            assert approved.status_code == 303, approved.text
            assert "done=approved" in approved.headers["location"]

        invitation = await mail_to(mail_sink, email, f"An event near you: {title}")
        body = plain_text(invitation)
        assert "Why we thought of you:" in body
        reasons = re.findall(r"^- (.+)$", body.split("Why we thought of you:")[1], re.M)
        assert reasons, body
        assert any("weekend" in reason.lower() for reason in reasons), reasons
        accepting = re.search(r"Yes, count me in: (\S+)", body)
        assert accepting, body
        accept_url = accepting.group(1)
        assert accept_url.startswith(f"{system.url('matching')}/r/"), accept_url

        async def places_left() -> int | None:
            found = await matching.get("/api/v1/events", params={"near": "CF10 1AA"})
            return next((e["places_left"] for e in found.json() if e["id"] == event_id), None)

        assert await eventually(places_left, timeout=STEP, what="the event published") == 3

        shown = await matching.get(path_of(accept_url))
        assert shown.status_code == 200
        assert title in html.unescape(shown.text)
        answered = await matching.post(urlsplit(accept_url).path, data={"answer": "accept"})
        assert answered.status_code == 200, answered.text
        assert "You have a place" in html.unescape(answered.text)

        assert await eventually(places_left, until=lambda n: n == 2, what="a place taken") == 2
    booked = await mail_to(mail_sink, email, f"Your place is booked: {title}")
    assert "Rhys" in plain_text(booked)


async def test_story_with_a_phone_number_is_published_redacted_and_its_author_told(
    system: System, mail_sink: Any
) -> None:
    await start_everything(system, mail_sink)
    tag = unique_tag()
    author = f"ann-{tag}@example.org"
    title = f"The phone tree on our street {tag}"
    number = "07700 900982"
    story = (
        "When the first lockdown came our street set up a phone tree so nobody went without "
        f"shopping. If you need a hand, ring me on {number} any evening."
    )
    async with httpx.AsyncClient(base_url=system.url("moderation"), timeout=30) as public:
        shared = await public.post(
            "/share",
            data={
                "prompt": "lockdown",
                "title": title,
                "text": story,
                "name": "Ann from Splott",
                "region": "CF24",
                "language": "en",
                "consent_to_publish": "yes",
                "email": author,
                "notify_outcome": "yes",
            },
        )
        assert shared.status_code == 303, shared.text
        assert shared.headers["location"].endswith("/share/thanks")

        async with moderator(system) as desk:
            item_id = await item_in_queue(desk, title)
            item = await claimed(desk, item_id)
            page = html.unescape(item.text)
            assert re.search(r'<mark class="flag-personal-data"[^>]*>' + number, page), page
            assert "personal-data</span> (phone)" in page
            assert f"<q>{number}</q>" in page
            suggested = textarea(item.text, "field-redacted-text")
            assert number not in suggested
            assert "phone tree" in suggested
            approved = await approve_redacted(desk, item_id, item, text=suggested)
            assert approved.status_code == 303, approved.text
            assert "done=approved" in approved.headers["location"]

        async def stories_page() -> str:
            return html.unescape((await public.get("/stories")).text)

        published = await eventually(
            stories_page, until=lambda p: title in p, timeout=STEP, what="the story published"
        )
        assert "phone tree" in published
        assert number not in published
        assert number.replace(" ", "") not in published
        api = await public.get("/api/v1/stories")
        [shown] = [s for s in api.json()["stories"] if s["title"] == title]
        assert number not in shown["text"]
        assert shown["text"] == suggested

    outcome = await mail_to(mail_sink, author, "Your story is published")
    assert title in plain_text(outcome)
    assert number not in plain_text(outcome)

    withdraw = re.search(r"(\S+/stories/withdraw/\S+)", plain_text(outcome))
    assert withdraw, plain_text(outcome)
    assert withdraw.group(1).startswith(system.url("moderation")), withdraw.group(1)
    async with httpx.AsyncClient(base_url=system.url("moderation"), timeout=30) as public:
        shown = await public.get(path_of(withdraw.group(1)))
        assert shown.status_code == 200, shown.text
        assert title in html.unescape(shown.text)
        assert title in html.unescape((await public.get("/stories")).text), "withdrawn on GET"
        done = await public.post(path_of(withdraw.group(1)))
        assert done.status_code == 200, done.text
        assert "Your story is withdrawn" in done.text
        assert title not in html.unescape((await public.get("/stories")).text)


# --- erasure ----------------------------------------------------------------------------------


async def holders(system: System, needles: Iterable[str]) -> list[str]:
    """`database.collection/_id` of every document in the four databases whose JSON text holds
    one of `needles` (case-insensitive)."""
    wanted = [needle.lower() for needle in needles]
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(system.mongodb_url)
    found: list[str] = []
    try:
        for service in SERVICES:
            db = client[system.database(service)]
            for collection in await db.list_collection_names():
                async for document in db[collection].find({}):
                    text = json.dumps(document, default=str, ensure_ascii=False).lower()
                    if any(needle in text for needle in wanted):
                        found.append(f"{service}.{collection}/{document.get('_id')}: {text[:300]}")
    finally:
        await client.close()
    return found


def queued_messages(vhost: str) -> int:
    """Messages ready or unacknowledged in every queue of the vhost (retry queues included)."""
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers", "name", "messages"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    total = 0
    for line in listed.stdout.decode().splitlines():
        name, _, count = line.rpartition("\t")
        if name and count.strip().isdigit() and not name.endswith(".dead"):
            total += int(count)
    return total


@pytest.mark.skipif(not shutil.which("rabbitmqctl"), reason="needs rabbitmqctl to see queues drain")
async def test_a_volunteer_who_also_shared_a_story_is_forgotten_everywhere(
    system: System, mail_sink: Any
) -> None:
    await start_everything(system, mail_sink)
    tag = unique_tag()
    email = f"forget-me-{tag}@example.org"
    name = f"Morwenna Quill{tag}"
    signups = system.url("signups")

    async with event_probe(system.rabbitmq_url, ["#"]) as probe:
        await join_and_confirm(
            system, mail_sink, name=name, email=email, postcode="CF10 1AA", interest="sport"
        )
        async with httpx.AsyncClient(timeout=30) as client:
            shared = await client.post(
                f"{system.url('moderation')}/share",
                data={
                    "prompt": "closer",
                    "title": f"Five-a-side on Tuesdays {tag}",
                    "text": "A kickabout in the park brought the whole estate together again.",
                    "name": name,
                    "region": "CF10",
                    "consent_to_publish": "yes",
                    "email": email,
                    "notify_outcome": "yes",
                },
            )
            assert shared.status_code == 303, shared.text

            async def district_volunteers() -> int:
                gaps = await client.get(f"{system.url('matching')}/api/v1/gaps")
                return sum(g["volunteers"] for g in gaps.json() if g["outward_code"] == "CF10")

            await eventually(district_volunteers, until=lambda n: n == 1, timeout=STEP)
            await eventually(
                lambda: _types(probe), until=lambda t: "story.submitted" in t, timeout=STEP
            )
            await eventually(lambda: _count(mail_sink, email), until=lambda n: n >= 2, timeout=STEP)
            before = await holders(system, [email, name])
            held_by = {entry.split("/")[0].split(".")[0] for entry in before}
            assert {"signups", "moderation", "notifications"} <= held_by, before

            asked = await client.post(f"{signups}/forget", data={"email": email})
            assert asked.status_code == 200
            letter = await mail_to(mail_sink, email, "Confirm that we should forget you")
            forget_url = link(plain_text(letter), f"{signups}/forget/")
            page = await client.get(forget_url)
            assert page.status_code == 200
            erased = await client.post(forget_url)
            assert erased.status_code == 200, erased.text
            asked_at = time.monotonic()

            requested = await eventually(
                lambda: _first(probe, "person.erasure_requested"), timeout=5
            )
            assert requested is not None
            erasure_id = requested["data"]["erasure_id"]

            async def status() -> dict[str, Any]:
                answer = await client.get(
                    f"{signups}/api/v1/erasures/{erasure_id}", headers={"X-API-Key": ADMIN_KEY}
                )
                return dict(answer.json())

            def complete(found: dict[str, Any]) -> bool:
                return set(SERVICES) <= set(found.get("answered", []))

            remaining = max(0.1, 5.0 - (time.monotonic() - asked_at))
            await eventually(status, until=complete, timeout=remaining, what="all four answered")
            remaining = max(0.1, 5.0 - (time.monotonic() - asked_at))
            await eventually(
                lambda: holders(system, [email, name]),
                until=lambda found: not found,
                timeout=remaining,
                what="no database holding the email or name",
            )
            elapsed = time.monotonic() - asked_at
            assert elapsed <= 5.0, f"erasure took {elapsed:.1f}s"

        # Replay everything the exchange carried during the journey: it was all about this person.
        captured = list(probe.messages)
        assert captured
        for message in captured:
            await publish_raw(
                system.rabbitmq_url,
                message.body,
                routing_key=message.routing_key or "",
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                headers=dict(message.headers or {}),
            )
        await eventually(lambda: _replayed(probe, len(captured)), timeout=STEP)
        await eventually(
            lambda: asyncio.to_thread(queued_messages, system.vhost),
            until=lambda n: n == 0,
            timeout=STEP,
            interval=0.5,
            what="every replayed message consumed",
        )
        assert await holders(system, [email, name]) == []
        async with httpx.AsyncClient(base_url=signups, timeout=30) as client:
            found = await client.get(
                "/api/v1/signups", params={"email": email}, headers={"X-API-Key": ADMIN_KEY}
            )
            assert found.json() == []


async def _types(probe: Any) -> set[str]:
    return {event["type"] for event in probe.events}


async def _first(probe: Any, event_type: str) -> dict[str, Any] | None:
    return next((e for e in probe.events if e["type"] == event_type), None)


async def _count(sink: Any, address: str) -> int:
    return sum(address in str(message["To"]) for message in list(sink.messages))


async def _replayed(probe: Any, captured: int) -> bool:
    return len(probe.messages) >= 2 * captured
