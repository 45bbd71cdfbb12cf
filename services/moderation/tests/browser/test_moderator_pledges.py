"""A lead decides pledges in a real Chromium: a pledge from signups is in the queue as kind
`pledge`, its phone number flagged; approved with the suggested redaction it is told as
`pledge.approved` with the redacted text; another is rejected with a reason."""

import uuid

import pytest
from playwright.async_api import Page, expect
from together_contracts import Interest, PledgeMade, PledgeMadeData
from together_kit.testing.probe import event_probe, publish_event

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in

pytestmark = pytest.mark.browser

NUMBER = "07700 900456"


def pledge(name: str, text: str) -> PledgeMade:
    return PledgeMade(
        producer="signups",
        correlation_id=f"browser-{uuid.uuid4().hex[:8]}",
        data=PledgeMadeData(
            pledge_id=uuid.uuid4(),
            organisation_id=uuid.uuid4(),
            organisation_name=name,
            text=text,
            categories=[Interest.FOOD_AND_MUTUAL_AID],
            outward_code="M1",
        ),
    )


async def test_a_lead_approves_one_pledge_redacted_and_rejects_another(
    service: Service, page: Page, rabbitmq_url: str
) -> None:
    kept = pledge("Riverside Kitchen", f"A monthly lunch for all. Ring Sam on {NUMBER} to help.")
    dropped = pledge("Cheap Kitchens Ltd", "Twenty per cent off our fitted kitchens.")
    async with event_probe(rabbitmq_url, ["pledge.approved", "pledge.rejected"]) as probe:
        await publish_event(rabbitmq_url, kept)
        await publish_event(rabbitmq_url, dropped)
        story = await service.share(title="A story among the pledges")

        await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
        await expect(page.locator("#queue-list tbody tr")).to_have_count(3, timeout=15_000)
        await page.get_by_label("Kind").select_option("pledge")
        await page.get_by_role("button", name="Filter").click()
        await expect(page.locator("#queue-list tbody tr")).to_have_count(2)
        await expect(page.locator(f'tr[data-id="{story}"]')).to_have_count(0)
        await expect(page.locator("#queue-counts")).to_contain_text("2 pledges")
        row = page.locator(f'tr[data-id="{kept.data.pledge_id}"]')
        await expect(row).to_contain_text("Pledge")
        await expect(row.locator(".flag-personal-data")).to_have_text("Personal data")

        await page.get_by_role("link", name="Riverside Kitchen").click()
        await page.get_by_role("button", name="Work on this item").click()
        await expect(page.locator(".field-hint").first).to_contain_text("Pledge · Waiting")
        await expect(page.locator("mark.flag-personal-data")).to_have_text(NUMBER)
        await expect(page.locator(".details")).to_contain_text("Food and mutual aid")
        text = page.get_by_label("Text to publish")
        assert NUMBER not in await text.input_value()
        await page.get_by_role("button", name="Approve with these edits").click()
        await expect(page.locator(".flash")).to_have_text("Approved: the item is published.")

        await page.get_by_role("link", name="Cheap Kitchens Ltd").click()
        await page.get_by_role("button", name="Work on this item").click()
        await page.get_by_label("Reason").first.select_option("commercial")
        await page.get_by_role("button", name="Reject", exact=True).click()
        await expect(page.locator(".flash")).to_have_text("Rejected.")

        told = {event["type"]: event["data"] for event in await probe.wait_for(2)}

    assert told["pledge.approved"]["pledge_id"] == str(kept.data.pledge_id)
    assert told["pledge.approved"]["text"] == (
        "A monthly lunch for all. Ring Sam on [phone number removed] to help."
    )
    assert told["pledge.rejected"]["pledge_id"] == str(dropped.data.pledge_id)
    assert told["pledge.rejected"]["reason"] == "commercial"
