"""Issue 23's assisted entry, end to end: a staff member signed in to moderation follows its link
to signups' assisted pages (the staff pass), signs up someone who joined on a paper form with only
a mobile in CF10, who gets the welcome text; an approved event nearby invites them by text, and
YES books a place. They then sign in to My together with their mobile: the texted short link
leads to the sign-in button, and signed in they see their details and download their data.

The four services run as real processes (as `make run` starts them) on the real broker and store,
texts go through the local SMS sink in GOV.UK Notify's shape (the volunteer's reply too).
"""

import asyncio
import json
import re
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from together_kit.dev.smssink import SmsSink
from together_kit.testing.phones import drama_mobile
from together_kit.testing.tags import unique_tag

from .conftest import System
from .test_journeys import (
    LEAD_EMAIL,
    LONDON,
    TEXTS_AT_ANY_HOUR,
    csrf_of,
    list_and_approve,
    moderator,
    text_to,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


async def start(system: System, mail_sink: Any, sms_sink: SmsSink) -> None:
    system.start("signups")
    system.start("moderation", MODERATION_LEAD_EMAILS=json.dumps([LEAD_EMAIL]))
    system.start("matching")
    system.start(
        "notifications",
        NOTIFICATIONS_SMTP_HOST="127.0.0.1",
        NOTIFICATIONS_SMTP_PORT=str(mail_sink.smtp_port),
        NOTIFICATIONS_DISPATCH_POLL_SECONDS="0.2",
        **TEXTS_AT_ANY_HOUR,
        **sms_sink.notifications_env(),
    )
    for name in ("signups", "moderation", "matching", "notifications"):
        await asyncio.to_thread(system.processes[name].wait_ready, 60.0)


async def pass_to_signups(desk: httpx.AsyncClient, system: System) -> str:
    """The link moderation's assisted page gives: signups' `/assisted/start?pass=…`."""
    page = await desk.get("/moderation/assisted")
    assert page.status_code == 200, page.text
    passed = await desk.post(
        "/moderation/assisted/pass", data={"csrf": csrf_of(page.text), "purpose": "sign-up"}
    )
    assert passed.status_code == 303, passed.text
    location = passed.headers["location"]
    assert location.startswith(f"{system.url('signups')}/assisted/start?pass=")
    return location


async def sign_up_by_paper(signups: httpx.AsyncClient, start_link: str, typed: str) -> None:
    parts = urlsplit(start_link)
    started = await signups.get(f"{parts.path}?{parts.query}")
    assert started.status_code == 303, started.text
    form = await signups.get("/assisted/volunteers/new")
    assert form.status_code == 200, form.text
    entered = await signups.post(
        "/assisted/volunteers/new",
        data={
            "csrf": csrf_of(form.text),
            "name": "Gwen Harries",
            "email": "",
            "phone": typed,
            "postcode": "CF10 1AA",
            "interests": ["environment"],
            "availability": ["weekday-daytimes", "weekday-evenings", "weekends"],
            "travel_radius_km": "15",
            "language": "en",
            "consent_matched_events": "yes",
            "joined_by": "paper form",
            "on": datetime.now(LONDON).date().isoformat(),
            "form_version": "paper-2026-12",
            "agreed": "yes",
        },
    )
    assert entered.status_code == 303, entered.text
    letter = await signups.get(entered.headers["location"])
    assert letter.status_code == 200
    assert "Gwen Harries" in letter.text


async def test_staff_sign_up_a_mobile_only_volunteer_who_is_welcomed_invited_and_booked_by_text(
    system: System, mail_sink: Any, sms_sink: SmsSink
) -> None:
    await start(system, mail_sink, sms_sink)
    mobile = drama_mobile()
    typed, phone = mobile.national, mobile.e164
    title = f"Bute Park litter pick {unique_tag()}"
    async with moderator(system) as desk:
        start_link = await pass_to_signups(desk, system)
        async with httpx.AsyncClient(base_url=system.url("signups"), timeout=30) as signups:
            await sign_up_by_paper(signups, start_link, typed)

        welcome = await text_to(sms_sink, phone, "signed you up as a volunteer")
        assert "CF10" in welcome.body
        assert welcome.segments <= 2
        starts = datetime.combine(datetime.now(LONDON).date() + timedelta(days=3), time(13, 0))
        await list_and_approve(desk, system, title, starts.replace(tzinfo=LONDON))

    invitation = await text_to(sms_sink, phone, "Reply YES")
    code = re.search(r"Reply YES (\w{4}) to take a place", invitation.body)
    assert code, invitation.body
    yes = await sms_sink.reply(typed, f"YES {code.group(1)}")
    assert yes.status == 200, yes.answer
    booked = await text_to(sms_sink, phone, "is booked")
    assert booked.body.startswith("together: your place at Bute Park litter pick")
    await sign_in_by_text(system, sms_sink, typed, phone)


async def sign_in_by_text(system: System, sms_sink: SmsSink, typed: str, phone: str) -> None:
    """Ask signups for a link with the mobile, follow the text's short link, press the button."""
    async with httpx.AsyncClient(base_url=system.url("signups"), timeout=30) as browser:
        asked = await browser.post("/my/sign-in", data={"contact": typed})
        assert "Check your phone" in asked.text
        text = await text_to(sms_sink, phone, "sign in to My together")
        assert text.segments <= 2
        short = re.search(r"https?://\S+/s/\w+", text.body)
        assert short, text.body
        led = await browser.get(short.group(0))
        assert led.status_code == 303
        sign_in = urlsplit(led.headers["location"])
        assert f"{sign_in.scheme}://{sign_in.netloc}" == system.url("signups")
        assert (await browser.get(sign_in.path)).status_code == 200
        signed = await browser.post(sign_in.path)
        assert signed.status_code == 303, signed.text
        mine = await browser.get("/my")
        held = (await browser.get("/my/data.json")).json()
    assert f"Signed in as {typed}." in mine.text
    assert "Gwen Harries" in mine.text
    assert (held["volunteer"]["details"]["phone"], held["volunteer"]["details"]["email"]) == (
        phone,
        None,
    )
