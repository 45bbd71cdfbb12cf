"""The coordinators' pages in a real Chromium, at a desk's and a phone's width: a lead moves a
connector from interested to active by mouse and keyboard, sees them under "Active", and nothing
is wider than the screen. Screenshots go to var/screens/."""

import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from together_contracts.connectors import ConnectorInterested, ConnectorInterestedData
from together_kit.testing.probe import event_probe, publish_event

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in
from .test_moderator_item_page import WIDER_THAN_THE_SCREEN

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[4] / "var" / "screens"


async def test_a_lead_moves_a_connector_to_active_on_a_phone(
    service: Service, browser: Browser, rabbitmq_url: str
) -> None:
    person_id = uuid.uuid4()
    offered = ConnectorInterested(
        producer="signups",
        correlation_id="browser",
        data=ConnectorInterestedData(
            person_id=person_id,
            name="Alex Jones",
            email="alex@example.org",
            outward_code="LL57",
            source="invitation",
        ),
    )
    async with event_probe(rabbitmq_url, ["connector.moved"]) as probe:
        await publish_event(rabbitmq_url, offered)
        await probe.wait_for(1)
    SCREENS.mkdir(parents=True, exist_ok=True)

    context = await browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await page.get_by_role("link", name="Connectors").click()
    await expect(page.get_by_role("heading", name="Interested (1)")).to_be_visible()
    await page.get_by_role("link", name="Alex Jones").click()
    await expect(page.locator(".details")).to_contain_text("alex@example.org")

    await page.get_by_label("Welcome call, UK time").fill("2027-06-01T18:30")
    await page.get_by_role("button", name="Book the welcome call").click()
    await expect(page.locator(".flash")).to_have_text("Moved: the connector is told by email.")
    await page.get_by_role("button", name="Mark as trained").click()
    await expect(page.locator("#error-summary")).to_contain_text("Tick every item")
    for box in await page.get_by_role("checkbox").all():
        await box.check()
    await page.get_by_role("button", name="Mark as trained").click()
    await expect(page.locator(".details")).to_contain_text("Trained")
    await page.screenshot(path=SCREENS / "connector-en-GB-390.png", full_page=True)
    assert await page.evaluate(WIDER_THAN_THE_SCREEN) == []

    await page.get_by_label("Postcode districts they are active in").fill("LL57, LL55")
    await page.get_by_label("Postcode districts they are active in").press("Enter")
    await expect(page.locator(".details")).to_contain_text("Active, in LL57, LL55")
    await page.get_by_role("link", name="All connectors").click()
    await expect(page.get_by_role("heading", name="Active (1)")).to_be_visible()
    await page.screenshot(path=SCREENS / "connectors-en-GB-390.png", full_page=True)
    assert await page.evaluate(WIDER_THAN_THE_SCREEN) == []
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.screenshot(path=SCREENS / "connectors-en-GB-1280.png", full_page=True)
    await context.close()
