"""Doing together, end to end: from an event listing to people actually meeting.

All four services run as real processes on the real broker and store, email goes to the SMTP
sink, and the volunteers' and the organiser's pages are used in Chromium. Matching runs with a
clock the test moves forward (travelling_matching.py), so that the organiser can mark who came
once the event has begun; notifications runs at London noon (daytime_notifications.py).

The journey: an organiser lists an event with a venue on /events/new and is emailed the link to
their page; a lead approves it; a matched volunteer accepts from the invitation and lets the
organiser see their email; their booking email and My events page give the venue, the time as
people say it and the organiser; the organiser's page and "who is coming" show them; the
organiser moves the event to the next day and the volunteer gets one notice and reminders at the
new times; a second volunteer takes the last place from /events through the emailed sign-in
link; a third joins the waitlist and gets the place when the first gives it up on My events; the
event happens, and the organiser's attendance marking thanks the one who came and not the one who
did not.

Set SCREENSHOTS_DIR to keep screenshots of the organiser's page, My events and /events at 1280
and 390 pixels wide.
"""

import asyncio
import html
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from together_kit.dates import spoken_span
from together_kit.testing.browser import chromium, require_chromium
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import System
from .test_journeys import (
    ADMIN_KEY,
    LONDON,
    STEP,
    claimed,
    csrf_of,
    item_in_queue,
    join_and_confirm,
    link,
    mail_to,
    moderator,
    path_of,
    plain_text,
    start_everything,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(300)]

require_chromium()

TRAVELLING_MATCHING = Path(__file__).with_name("travelling_matching.py")
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
PHONE = 390
WIDE = 1280


def next_saturday_noon() -> datetime:
    """12:00 London time on a Saturday at least three days away."""
    day = datetime.now(LONDON).date() + timedelta(days=3)
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    return datetime.combine(saturday, datetime.min.time(), tzinfo=LONDON).replace(hour=12)


def text_of(message: Any) -> str:
    """An email's plain text with its lines ended as in Python (SMTP ends them with CRLF)."""
    return plain_text(message).replace("\r\n", "\n")


def said_in_email(starts: datetime, ends: datetime) -> str:
    """How an email says a span: `Saturday 5 December, 12:00 to 14:30` (UK time, no year)."""
    start, end = starts.astimezone(LONDON), ends.astimezone(LONDON)
    return f"{start:%A} {start.day} {start:%B}, {start:%H:%M} to {end:%H:%M}"


def said_on_page(starts: datetime, ends: datetime) -> str:
    """How a page says it (the year only when it is not this year)."""
    return spoken_span(starts, ends, "en", now=datetime.now(UTC))


async def messages_to(system: System, address: str) -> list[dict[str, Any]]:
    """Notifications' delivery log for `address`, as support staff read it (admin key)."""
    async with httpx.AsyncClient(base_url=system.url("notifications"), timeout=30) as client:
        found = await client.get(
            "/api/v1/messages", params={"recipient": address}, headers={"X-API-Key": ADMIN_KEY}
        )
    assert found.status_code == 200, found.text
    return list(found.json())


def emails(sink: Any, address: str, subject: str) -> list[Any]:
    return [
        m for m in list(sink.messages) if address in str(m["To"]) and subject in str(m["Subject"])
    ]


async def look(page: Page, name: str) -> None:
    """Screenshots at both widths (when asked for), and never a page wider than a phone."""
    await page.set_viewport_size({"width": PHONE, "height": 844})
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{name} scrolls sideways on a phone ({width}px)"
    if SCREENSHOTS:
        await asyncio.to_thread(Path(SCREENSHOTS).mkdir, parents=True, exist_ok=True)
        for each in (WIDE, PHONE):
            await page.set_viewport_size({"width": each, "height": 900})
            await page.screenshot(
                path=str(Path(SCREENSHOTS) / f"{name}-{each}.png"), full_page=True
            )
    await page.set_viewport_size({"width": WIDE, "height": 900})


async def sign_in_by_email(page: Page, system: System, sink: Any, email: str) -> None:
    """From signups' sign-in page (already open): ask for the link, follow it, press the button."""
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to My together")
    await page.get_by_label("Email address or mobile number").fill(email)
    await page.get_by_role("button", name="Send me a sign-in link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    letter = await mail_to(sink, email, "Your link to sign in to together")
    await page.goto(link(text_of(letter), f"{system.url('signups')}/my/sign-in/"))
    await page.get_by_role("button", name="Sign in").click()


async def new_person(browser: Browser) -> BrowserContext:
    return await browser.new_context(
        locale="en-GB", viewport={"width": WIDE, "height": 900}, timezone_id="Europe/London"
    )


async def test_from_a_listing_to_people_meeting_and_being_thanked(
    system: System, mail_sink: Any, tmp_path: Path
) -> None:
    offset = tmp_path / "matching-clock-offset"
    offset.write_text("0")
    await start_everything(
        system,
        mail_sink,
        matching=[sys.executable, str(TRAVELLING_MATCHING)],
        TRAVEL_OFFSET_FILE=str(offset),
    )
    matching, signups = system.url("matching"), system.url("signups")
    tag = unique_tag()
    aled, bethan, ceri = (f"{n}-{tag}@example.org" for n in ("aled", "bethan", "ceri"))
    organiser = f"rhian-{tag}@example.org"
    for name, email, postcode, interest in (
        ("Aled Morgan", aled, "CF10 1AA", "environment"),
        ("Ceri Jones", ceri, "CF10 1AA", "environment"),
        ("Bethan Price", bethan, "M1 1AE", "sport"),  # far away: never invited
    ):
        await join_and_confirm(
            system, mail_sink, name=name, email=email, postcode=postcode, interest=interest
        )

    # 1. The organiser lists the event with its venue on the form; the link to their page is
    # emailed (never shown), and a lead approves the listing.
    title = f"Taff riverbank litter pick {tag}"
    starts = next_saturday_noon()
    ends = starts + timedelta(hours=2, minutes=30)
    async with httpx.AsyncClient(base_url=matching, timeout=30) as http:
        form = await http.get("/events/new")
        assert form.status_code == 200
        listed = await http.post(
            "/events/new",
            data={
                "title": title,
                "description": "Gloves, bags and tea provided. Meet by the boathouse.",
                "event_type": "environment",
                "start_date": starts.date().isoformat(),
                "start_time": "12:00",
                "end_date": "",
                "end_time": "14:30",
                "where": "venue",
                "venue_name": "The boathouse",
                "address_line_1": "Taff Embankment",
                "town": "Cardiff",
                "postcode": "CF24 3AA",
                "arrival_notes": "Ring the bell by the blue door.",
                "places": "2",
                "roles": "Picking\nSorting",
                "organiser_name": "Rhian Evans",
                "organiser_email": organiser,
                "language": "en",
            },
        )
        assert listed.status_code == 303, listed.text
        assert listed.headers["location"].endswith("/events/new/thanks")
        thanks = await http.get(listed.headers["location"])
        assert "/events/manage/" not in thanks.text, "the organiser's link shown on a page"

    page_letter = await mail_to(mail_sink, organiser, f"Your event's page: {title}")
    manage_url = link(text_of(page_letter), f"{matching}/events/manage/")
    async with moderator(system) as desk:
        item_id = await item_in_queue(desk, title)
        item = await claimed(desk, item_id)
        approved = await desk.post(
            f"/moderation/items/{item_id}/approve", data={"csrf": csrf_of(item.text)}
        )
        assert approved.status_code == 303, approved.text

    async with chromium() as browser:
        # 2. Aled, matched, accepts from the invitation and lets the organiser see his email.
        invitation = await mail_to(mail_sink, aled, f"An event near you: {title}")
        accepting = re.search(r"Yes, count me in: (\S+)", text_of(invitation))
        assert accepting, text_of(invitation)
        aled_context = await new_person(browser)
        aled_page = await aled_context.new_page()
        await aled_page.goto(accepting.group(1))
        await expect(aled_page.get_by_role("heading", level=1)).to_have_text(
            "Can you help at this event?"
        )
        await aled_page.get_by_label("Let the organiser see my email address").check()
        await aled_page.get_by_role("button", name="Yes, I can come").click()
        await expect(aled_page.get_by_role("heading", level=1)).to_have_text("You have a place")

        # 3. His booking email and his My events page: the venue in full, the time as people
        # say it, and the organiser's first name.
        booked = text_of(await mail_to(mail_sink, aled, f"Your place is booked: {title}"))
        assert f"When: {said_in_email(starts, ends)} (UK time)" in booked, booked
        for line in ("The boathouse", "Taff Embankment", "Cardiff", "CF24 3AA"):
            assert f"  {line}\n" in booked, booked
        assert "Getting in: Ring the bell by the blue door." in booked
        assert "Your organiser: Rhian\n" in booked, booked
        assert "Evans" not in booked
        assert f"Email: {organiser}" in booked
        assert f"{signups}/my" in booked

        await aled_page.goto(f"{matching}/my/events")
        await aled_page.get_by_role("link", name="Sign in").click()
        await sign_in_by_email(aled_page, system, mail_sink, aled)
        await aled_page.wait_for_url(f"{matching}/my/events")
        place = aled_page.locator("section.event", has_text=title)
        await expect(place.get_by_text(said_on_page(starts, ends))).to_be_visible()
        await expect(place.locator("address")).to_contain_text("The boathouse")
        await expect(place.locator("address")).to_contain_text("Taff Embankment")
        await expect(place.locator("address")).to_contain_text("CF24 3AA")
        await expect(place.get_by_text("Organiser: Rhian", exact=True)).to_be_visible()
        await expect(place.get_by_role("link", name=organiser)).to_be_visible()
        await expect(place.get_by_text("The organiser can see your email address.")).to_be_visible()

        # 4. The organiser's page shows the place taken; "who is coming" shows Aled and, as he
        # agreed, his email.
        organiser_context = await new_person(browser)
        desk_page = await organiser_context.new_page()
        await desk_page.goto(manage_url)
        await expect(desk_page.get_by_role("heading", name="Your event's page")).to_be_visible()
        await expect(desk_page.locator("#status")).to_contain_text("Published")
        await expect(desk_page.locator("#places-taken")).to_have_text("1 of 2")
        await desk_page.get_by_role("link", name="See who is coming").click()
        await desk_page.wait_for_url(re.compile(r".*/organisers/[^/]+/people$"))
        await expect(desk_page.get_by_role("heading", level=1)).to_have_text("Who is coming")
        coming = desk_page.locator("ul.people li")
        await expect(coming).to_have_count(1)
        await expect(coming).to_contain_text("Aled")
        await expect(coming).not_to_contain_text("Morgan")
        await expect(coming.get_by_role("link", name=aled)).to_be_visible()
        await desk_page.get_by_role("link", name="Back to your event's page").click()

        # 5. The organiser moves the event to Sunday afternoon: Aled gets one notice, and his
        # reminders move to the day before and the morning of the new day.
        old_reminders = {
            m["id"]: m
            for m in await eventually(
                lambda: messages_to(system, aled),
                until=lambda found: len([m for m in found if m["kind"] == "reminder"]) == 2,
                timeout=STEP,
                what="Aled's two reminders",
            )
            if m["kind"] == "reminder"
        }
        moved_starts = (starts + timedelta(days=1)).replace(hour=15)
        moved_ends = moved_starts + timedelta(hours=2, minutes=30)
        await desk_page.get_by_label("Start date").fill(moved_starts.date().isoformat())
        await desk_page.get_by_label("Start time").fill("15:00")
        await desk_page.get_by_label("End date").fill(moved_starts.date().isoformat())
        await desk_page.get_by_label("End time").fill("17:30")
        await desk_page.get_by_role("button", name="Save the changes").click()
        await expect(desk_page.get_by_role("status")).to_contain_text("Your changes are saved")
        await expect(desk_page.locator(".event").first).to_contain_text("15:00")

        notice = text_of(await mail_to(mail_sink, aled, f"Changed: {title}"))
        assert f"New time: {said_in_email(moved_starts, moved_ends)} (UK time)" in notice, notice
        assert f"It was: {said_in_email(starts, ends)}" in notice, notice

        def moved(found: list[dict[str, Any]]) -> bool:
            waiting = [m for m in found if m["kind"] == "reminder" and m["status"] == "queued"]
            return len(waiting) == 2 and not {m["id"] for m in waiting} & set(old_reminders)

        log = await eventually(
            lambda: messages_to(system, aled), until=moved, timeout=STEP, what="reminders moved"
        )
        queued = {
            m["template"]: datetime.fromisoformat(m["not_before"]).astimezone(LONDON)
            for m in log
            if m["kind"] == "reminder" and m["status"] == "queued"
        }
        assert queued == {
            "reminder_day_before": datetime.combine(
                starts.date(), datetime.min.time(), tzinfo=LONDON
            ).replace(hour=10),
            "reminder_morning": datetime.combine(
                moved_starts.date(), datetime.min.time(), tzinfo=LONDON
            ).replace(hour=8),
        }, queued
        cancelled = {m["id"]: m["status"] for m in log if m["id"] in old_reminders}
        assert cancelled == dict.fromkeys(old_reminders, "cancelled"), cancelled

        await aled_page.reload()
        place = aled_page.locator("section.event", has_text=title)
        await expect(place.get_by_text(said_on_page(moved_starts, moved_ends))).to_be_visible()

        # 6. Bethan, never invited, takes the second place from /events: not signed in, the
        # help page sends her to sign in by email, and the link brings her back to take it.
        bethan_context = await new_person(browser)
        bethan_page = await bethan_context.new_page()
        await bethan_page.goto(f"{matching}/events")
        listing = bethan_page.locator("article.event", has_text=title)
        await expect(listing.get_by_text(said_on_page(moved_starts, moved_ends))).to_be_visible()
        await expect(listing).to_contain_text("Picking")
        await expect(listing).not_to_contain_text("Taff Embankment")
        await look(bethan_page, "events")
        await listing.get_by_role("link", name=re.compile("I can help")).click()
        await expect(bethan_page.get_by_role("heading", level=1)).to_have_text("Offer to help")
        await bethan_page.get_by_role("link", name="Email me a link").click()
        await sign_in_by_email(bethan_page, system, mail_sink, bethan)
        await bethan_page.wait_for_url(re.compile(rf".*{re.escape(matching)}/events/[^/]+/help$"))
        await expect(bethan_page.get_by_text("Places left: 1 of 2")).to_be_visible()
        await bethan_page.get_by_role("button", name="Take a place").click()
        await expect(bethan_page.get_by_role("heading", level=1)).to_have_text("You have a place")
        bethan_code = await place_code(bethan_page)
        bethan_booked = text_of(await mail_to(mail_sink, bethan, f"Your place is booked: {title}"))
        assert said_in_email(moved_starts, moved_ends) in bethan_booked
        assert "Taff Embankment" in bethan_booked

        await desk_page.goto(manage_url)
        await expect(desk_page.locator("#places-taken")).to_have_text("2 of 2")

        # 7. Ceri accepts her invitation when the event is full: the waiting list. Aled gives
        # his place up on My events, and Ceri is given it.
        invited = await mail_to(mail_sink, ceri, f"An event near you: {title}")
        accept = re.search(r"Yes, count me in: (\S+)", text_of(invited))
        assert accept, text_of(invited)
        async with httpx.AsyncClient(base_url=matching, timeout=30) as ceri_http:
            answered = await ceri_http.post(
                urlsplit(accept.group(1)).path, data={"answer": "accept"}
            )
            assert answered.status_code == 200, answered.text
            assert "You are on the waiting list" in html.unescape(answered.text)
            waiting = text_of(
                await mail_to(mail_sink, ceri, f"You are on the waiting list: {title}")
            )
            assert "number 1 on the waiting list" in waiting
            await desk_page.goto(manage_url)
            await expect(desk_page.locator("#waitlist")).to_have_text("1")
            await look(desk_page, "organiser-page")

            await aled_page.reload()
            await look(aled_page, "my-events")
            place = aled_page.locator("section.event", has_text=title)
            await place.get_by_role("button", name="I can no longer come").click()
            await expect(aled_page.get_by_role("status")).to_contain_text(
                "You have given up your place"
            )
            given = text_of(await mail_to(mail_sink, ceri, f"Your place is booked: {title}"))
            assert said_in_email(moved_starts, moved_ends) in given
            assert "Taff Embankment" in given
            assert "Your organiser: Rhian" in given
            shown = await ceri_http.get(path_of(accept.group(1)))
            assert "You have a place at this event." in html.unescape(shown.text)
            ceri_code = re.search(r"Your place code is ([0-9A-F]{6})", shown.text)
            assert ceri_code, shown.text

        await desk_page.goto(manage_url)
        await expect(desk_page.locator("#places-taken")).to_have_text("2 of 2")
        await expect(desk_page.locator("#waitlist")).to_have_text("0")

        # 8. The event happens. The organiser marks Bethan as there and Ceri as not: Bethan is
        # thanked with a link to share a story; Ceri is told nothing.
        offset.write_text(str((moved_starts - datetime.now(UTC)).total_seconds() + 3600))
        await desk_page.goto(manage_url)
        await expect(desk_page.get_by_role("heading", name="Who came")).to_be_visible()
        await (
            desk_page.get_by_role("group", name=f"Place code {bethan_code}")
            .get_by_label("Came", exact=True)
            .check()
        )
        await (
            desk_page.get_by_role("group", name=f"Place code {ceri_code.group(1)}")
            .get_by_label("Did not come")
            .check()
        )
        await desk_page.get_by_role("button", name="Save who came").click()
        await expect(desk_page.get_by_role("status")).to_contain_text("Saved. Thank you.")

        thanked = text_of(await mail_to(mail_sink, bethan, "Thank you for coming"))
        assert title in thanked
        assert "Bethan" in thanked
        share_url = f"{system.url('moderation')}/share"
        assert f"\n{share_url}\n" in thanked, thanked
        await bethan_page.goto(share_url)
        await expect(bethan_page.locator("form")).to_be_visible()
        # The organiser writes to everyone with a place: a fact told after the attendance, so
        # once Ceri has it, anything the attendance caused for her has happened too.
        await desk_page.get_by_label("Your message").fill("Thank you all. Same time next month?")
        await desk_page.get_by_role("button", name="Send the message").click()
        await expect(desk_page.get_by_role("status")).to_contain_text("Your message is on its way")
        written = text_of(await mail_to(mail_sink, ceri, f"A message from Rhian about {title}"))
        assert "Thank you all. Same time next month?" in written
        assert bethan not in written
        await mail_to(mail_sink, bethan, f"A message from Rhian about {title}")
        aled_log = await messages_to(system, aled)
        assert "event_message" not in {m["template"] for m in aled_log}, aled_log
        ceri_log = await messages_to(system, ceri)
        assert "attendance_thanks" not in {m["template"] for m in ceri_log}, ceri_log
        assert not emails(mail_sink, ceri, "Thank you for coming")
        assert len(emails(mail_sink, aled, f"Changed: {title}")) == 1
        assert not emails(mail_sink, ceri, f"Changed: {title}")
        for context in (aled_context, bethan_context, organiser_context):
            await context.close()


async def place_code(page: Page) -> str:
    said = await page.get_by_text(re.compile(r"Your place code is [0-9A-F]{6}")).inner_text()
    found = re.search(r"[0-9A-F]{6}", said)
    assert found, said
    return found.group(0)
