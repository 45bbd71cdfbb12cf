"""The organiser's "who is coming" page in a real Chromium, against notifications running as a
process on the real broker and store: first names, a shared email as a link, the waitlist as a
count, the way back to the organiser's page; on a phone and on a desktop."""

import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from playwright.async_api import Browser, ViewportSize, expect
from pymongo import AsyncMongoClient
from together_contracts import IntegrationEvent, VolunteerRegistered, VolunteerRegisteredData
from together_contracts.matches import (
    EventPublished,
    EventPublishedData,
    EventSummary,
    MatchAccepted,
    MatchAcceptedData,
)
from together_kit.dev.stack import free_port
from together_kit.testing.browser import PHONE, require_chromium
from together_kit.testing.probe import publish_event
from together_kit.testing.processes import ServiceProcess
from together_kit.testing.tags import mentions, unique_tag
from together_kit.testing.waiting import eventually
from together_kit.web.site import SitePurpose, SiteTokens

pytestmark = pytest.mark.browser
require_chromium()

SITE_KEY = "site-key-for-the-who-is-coming-browser-test"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
SCREENSHOTS = Path(tempfile.gettempdir())
"""`who-is-coming-390.png` and `who-is-coming-1280.png` are kept for a person to look at."""


class Accepting:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        return "250 Message accepted"


@pytest.fixture
def notifications(
    rabbitmq_url: str, mongodb_url: str, database_name: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    sink = Controller(Accepting(), hostname="127.0.0.1", port=free_port())
    sink.start()
    service = ServiceProcess(
        "notifications",
        env={
            "RABBITMQ_URL": rabbitmq_url,
            "MONGODB_URL": mongodb_url,
            "NOTIFICATIONS_MONGODB_DATABASE": database_name,
            "NOTIFICATIONS_SMTP_PORT": str(sink.port),
            "NOTIFICATIONS_HANDOVER_JOURNAL_PATH": str(tmp_path / "journal"),
            "SITE_KEY": SITE_KEY,
            "MATCHING_PUBLIC_BASE_URL": "http://matching.test",
        },
        log_dir=tmp_path,
    )
    try:
        with service.running():
            yield service
    finally:
        sink.stop()


async def volunteer(rabbitmq_url: str, name: str) -> tuple[uuid.UUID, str]:
    person_id = uuid.uuid4()
    address = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.org"
    joined = VolunteerRegistered(
        producer="signups",
        correlation_id="who-is-coming",
        data=VolunteerRegisteredData(person_id=person_id, name=name, email=address),
    )
    await publish_event(rabbitmq_url, joined)
    return person_id, address


async def test_the_organiser_sees_who_is_coming_on_a_phone_and_a_desktop(
    notifications: ServiceProcess,
    browser: Browser,
    rabbitmq_url: str,
    mongodb_url: str,
    database_name: str,
) -> None:
    starts = datetime.now(UTC) + timedelta(days=10)
    event = EventSummary(
        event_id=uuid.uuid4(),
        title=f"Riverside lunch {unique_tag()}",
        event_type="food-and-mutual-aid",  # type: ignore[arg-type]
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        outward_code="CF10",
    )
    nia_id, nia = await volunteer(rabbitmq_url, "Nia Jones")
    ben_id, ben = await volunteer(rabbitmq_url, "Ben Evans")
    cai_id, _ = await volunteer(rabbitmq_url, "Cai Morgan")
    told: list[IntegrationEvent] = [
        EventPublished(
            producer="matching",
            correlation_id="who-is-coming",
            data=EventPublishedData(
                event=event,
                places=2,
                organiser_email="sam.organiser@example.org",
                public_url="http://matching.test/events",
                cancel_url="http://matching.test/events/cancel/t",
            ),
        )
    ]
    for person_id, share, outcome in (
        (nia_id, True, "accepted"),
        (ben_id, False, "accepted"),
        (cai_id, True, "waitlisted"),
    ):
        told.append(
            MatchAccepted(
                producer="matching",
                correlation_id="who-is-coming",
                data=MatchAcceptedData(
                    match_id=uuid.uuid4(),
                    person_id=person_id,
                    event=event,
                    outcome=outcome,  # type: ignore[arg-type]
                    waitlist_position=1 if outcome == "waitlisted" else None,
                    respond_url="http://matching.test/r/t",
                    share_contact=share,
                ),
            )
        )
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    try:
        for each in told:
            await publish_event(rabbitmq_url, each)
        ids = [str(each.id) for each in told]
        await eventually(
            lambda: client[database_name]["inbox"].count_documents({"event_id": {"$in": ids}}),
            until=lambda count: count == len(ids),
            what="events handled",
        )
    finally:
        await client.close()

    token = quote(SiteTokens(SITE_KEY).issue(SitePurpose.ORGANISER, event.event_id), safe="")
    for viewport in (PHONE, DESKTOP):
        context = await browser.new_context(viewport=viewport, locale="en-GB")
        page = await context.new_page()
        await page.goto(f"{notifications.url}/organisers/{token}/people")
        await expect(page.get_by_role("heading", name="Who is coming")).to_be_visible()
        await expect(page.get_by_text(event.title)).to_be_visible()
        people = page.locator("ul.people li")
        await expect(people).to_have_count(2)
        await expect(people.nth(0)).to_contain_text("Ben")
        await expect(people.nth(1)).to_contain_text("Nia")
        await expect(page.get_by_role("link", name=nia)).to_have_attribute("href", f"mailto:{nia}")
        await expect(page.get_by_text("On the waiting list: 1.")).to_be_visible()
        back = page.get_by_role("link", name="Back to your event's page")
        await expect(back).to_have_attribute("href", f"http://matching.test/events/manage/{token}")
        content = await page.content()
        assert ben not in content
        assert not mentions(content, "Cai")
        assert not mentions(content, "Jones")
        await page.screenshot(
            path=str(SCREENSHOTS / f"who-is-coming-{viewport['width']}.png"), full_page=True
        )
        await context.close()

    context = await browser.new_context(viewport=PHONE, locale="en-GB")
    page = await context.new_page()
    await page.goto(f"{notifications.url}/organisers/{token[:-3]}abc/people")
    await expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    await expect(
        page.get_by_role("link", name="Get a new link to your event's page")
    ).to_have_attribute("href", "http://matching.test/events/manage")
    await context.close()
