"""Issue 23, end to end by text: a volunteer who chose text messages on the join form gets an
invitation by SMS, replies YES with its code, gets the place and a reminder by text; replies STOP
and gets nothing more, and signups records the withdrawal in the consent log; replies BOTH and
is reached by email and text again, in signups and in notifications.

The four services run as real processes (as `make run` starts them) on the real broker and store,
texts go through the local SMS sink in GOV.UK Notify's shape (the volunteer's replies too), email
to the SMTP sink. Notifications runs at London noon with a clock the test moves forward
(travelling_notifications.py), so that a reminder due tomorrow morning goes now.
"""

import asyncio
import json
import re
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from together_kit.dev.smssink import SmsSink
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import System
from .test_journeys import (
    ADMIN_KEY,
    LEAD_EMAIL,
    LONDON,
    STEP,
    link,
    list_and_approve,
    mail_to,
    moderator,
    plain_text,
    text_to,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

TRAVELLING_NOTIFICATIONS = Path(__file__).with_name("travelling_notifications.py")
PHONE = "07700 900734"
E164 = "+447700900734"
Document = dict[str, Any]


async def start(system: System, mail_sink: Any, sms_sink: SmsSink, offset: Path) -> None:
    system.start("signups", SIGNUPS_ADMIN_API_KEY=ADMIN_KEY)
    system.start("moderation", MODERATION_LEAD_EMAILS=json.dumps([LEAD_EMAIL]))
    system.start("matching")
    system.start(
        "notifications",
        command=[sys.executable, str(TRAVELLING_NOTIFICATIONS)],
        TRAVEL_OFFSET_FILE=str(offset),
        NOTIFICATIONS_SMTP_HOST="127.0.0.1",
        NOTIFICATIONS_SMTP_PORT=str(mail_sink.smtp_port),
        NOTIFICATIONS_ADMIN_API_KEY=ADMIN_KEY,
        NOTIFICATIONS_DISPATCH_POLL_SECONDS="0.2",
        **sms_sink.notifications_env(),
    )
    for name in ("signups", "moderation", "matching", "notifications"):
        await asyncio.to_thread(system.processes[name].wait_ready, 60.0)


async def join_by_text(system: System, mail_sink: Any, email: str) -> None:
    """Join at /join choosing text messages, then confirm the address by the emailed link."""
    async with httpx.AsyncClient(base_url=system.url("signups"), timeout=30) as client:
        joined = await client.post(
            "/join",
            data={
                "name": "Dilys Texter",
                "email": email,
                "postcode": "CF10 1AA",
                "interests": ["environment"],
                "availability": ["weekday-daytimes", "weekday-evenings", "weekends"],
                "travel_radius_km": "15",
                "language": "en",
                "consent_matched_events": "yes",
                "channels": "sms",
                "phone": PHONE,
            },
        )
        assert joined.status_code == 303, joined.text
    confirmation = await mail_to(mail_sink, email, "Confirm your email address")
    confirm_url = link(plain_text(confirmation), f"{system.url('signups')}/confirm/")
    async with httpx.AsyncClient(timeout=30) as browser:
        confirmed = await browser.post(confirm_url)
    assert confirmed.status_code == 200, confirmed.text


async def texts_logged(system: System) -> list[dict[str, Any]]:
    """The delivery log's texts to the number, as support staff read it (admin key)."""
    async with httpx.AsyncClient(base_url=system.url("notifications"), timeout=30) as client:
        found = await client.get(
            "/api/v1/messages", params={"recipient": PHONE}, headers={"X-API-Key": ADMIN_KEY}
        )
    assert found.status_code == 200, found.text
    return [m for m in found.json() if m["channel"] == "sms"]


def travel(offset: Path, to: timedelta) -> None:
    offset.write_text(str(to.total_seconds()))


async def test_invited_by_text_answers_yes_is_reminded_then_stops_texts(
    system: System, mail_sink: Any, sms_sink: SmsSink, tmp_path: Path
) -> None:
    offset = tmp_path / "notifications-offset"
    await start(system, mail_sink, sms_sink, offset)
    tag = unique_tag()
    email = f"dilys-{tag}@example.org"
    await join_by_text(system, mail_sink, email)

    title = f"Bute Park litter pick {tag}"
    event_day = datetime.now(LONDON).date() + timedelta(days=2)
    starts = datetime.combine(event_day, time(13, 0), tzinfo=LONDON)
    async with moderator(system) as desk:
        await list_and_approve(desk, system, title, starts)

    invitation = await text_to(sms_sink, E164, "Reply YES")
    code = re.search(r"Reply YES (\w{4}) to take a place", invitation.body)
    assert code, invitation.body
    assert title[:20] in invitation.body
    assert invitation.segments <= 2
    yes = await sms_sink.reply(PHONE, f"YES {code.group(1)}")
    assert yes.status == 200, yes.answer
    booked = await text_to(sms_sink, E164, "is booked")
    assert booked.body.startswith("together: your place at Bute Park litter pick")

    travel(offset, timedelta(hours=22, minutes=1))  # notifications: the day before, 10:01 on
    reminder = await text_to(sms_sink, E164, "is tomorrow")
    assert reminder.body.startswith("together reminder: Bute Park litter pick")

    stop = await sms_sink.reply(PHONE, "STOP")
    assert stop.status == 200, stop.answer
    await eventually(
        lambda: _stopped_in_signups(system, email),
        timeout=STEP,
        what="texts withdrawn in signups' consent log",
    )
    travel(offset, timedelta(hours=44, minutes=1))  # the morning of the event, 08:01 on

    async def morning() -> dict[str, Any] | None:
        found = [m for m in await texts_logged(system) if m["template"] == "reminder_morning"]
        settled = found and found[0]["status"] not in {"queued", "sending"}  # claimed, not done
        return found[0] if settled else None

    suppressed = await eventually(morning, timeout=STEP, what="the morning reminder settled")
    assert suppressed is not None
    assert suppressed["status"] == "suppressed", suppressed
    bodies = [t.body for t in sms_sink.texts_to(E164)]
    assert bodies[-1].startswith("together: you will get no more texts from us.")
    assert not any("is today" in body for body in bodies)
    assert [b for b in bodies if "Reply YES" in b] == [invitation.body]

    both = await sms_sink.reply(PHONE, "Both please")
    assert both.status == 200, both.answer
    chosen = await text_to(sms_sink, E164, "email and text you")
    assert chosen.body.startswith("together: from now on we'll email and text you")
    await eventually(
        lambda: _reached_by_both(system, email), timeout=STEP, what="both channels, everywhere"
    )


async def _person(system: System, email: str) -> Document | None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(system.mongodb_url)
    try:
        return await client[system.database("signups")]["people"].find_one({"email": email})
    finally:
        await client.close()


def _logged(person: Document, source: str, *, granted: bool) -> bool:
    log = person.get("consent_log", [])
    return any(r["source"] == source and r["granted"] is granted for r in log)


async def _stopped_in_signups(system: System, email: str) -> bool:
    person = await _person(system, email)
    if person is None:
        return False
    stopped = _logged(person, "sms-reply:STOP", granted=False)
    return stopped and "sms" not in person.get("channels", [])


async def _reached_by_both(system: System, email: str) -> bool:
    """Signups logged the reply BOTH and told notifications, whose contact now has both."""
    person = await _person(system, email)
    if person is None or not _logged(person, "sms-reply:BOTH", granted=True):
        return False
    client: AsyncMongoClient[Document] = AsyncMongoClient(system.mongodb_url)
    try:
        contacts = client[system.database("notifications")]["contacts"]
        contact = await contacts.find_one({"_id": person["_id"]})
    finally:
        await client.close()
    return contact is not None and sorted(contact.get("channels", [])) == ["email", "sms"]
