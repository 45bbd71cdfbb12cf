"""The thank-you wall for 5 July (issue 22) in a real Chromium: a person posts a thank-you through
the form (after the form refuses a first try), a lead approves it and an event listed for the
day in the moderator UI, and it appears on /thanks and on the day's page, whose map and table
show where. /thanks, the day's page and the form are screenshot at a desk's width and a phone's into
var/screens/, and must fit the screen."""

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, Page, expect
from together_contracts import EventSubmitted, EventSubmittedData, Interest
from together_kit.testing.probe import publish_event
from together_kit.testing.tags import unique_tag

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in
from .test_moderator_item_page import WIDER_THAN_THE_SCREEN

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[4] / "var" / "screens"
LONDON = ZoneInfo("Europe/London")


def next_fifth_of_july() -> datetime:
    today = datetime.now(LONDON)
    year = today.year if (today.month, today.day) <= (7, 5) else today.year + 1
    return datetime(year, 7, 5, 10, 0, tzinfo=LONDON)


async def post_thanks(page: Page, url: str, who: str) -> None:
    await page.goto(f"{url}/thanks/new")
    await page.get_by_label("Who are you thanking?").fill(who)
    await page.get_by_role("button", name="Send your thanks").click()
    await expect(page.locator("#error-summary")).to_contain_text("Choose who they are")
    await expect(page.get_by_label("Who are you thanking?")).to_have_value(who)
    await page.get_by_label("NHS and care staff").check()
    await page.get_by_label("What are you thanking them for?").fill(
        "You sat with my dad every night when we could not be there.\n\nDiolch o galon."
    )
    await page.get_by_label("Where?").fill("cf14 4xw")
    await page.get_by_label("Your name or a pseudonym (optional)").fill("Ann from Splott")
    await page.get_by_role("button", name="Send your thanks").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your thanks")


async def approve(lead: Page, url: str, title: str) -> None:
    await lead.goto(f"{url}/moderation")
    await lead.get_by_role("link", name=title).click()
    await lead.get_by_role("button", name="Work on this item").click()
    await lead.get_by_role("button", name="Approve as sent").click()
    await expect(lead.locator(".flash")).to_have_text("Approved: the item is published.")


async def test_a_thank_you_is_posted_approved_and_shown_on_the_wall_and_the_day(
    service: Service, browser: Browser, rabbitmq_url: str
) -> None:
    who = f"The night team on Ward {unique_tag()}"
    day = next_fifth_of_july()
    event = EventSubmitted(
        producer="matching",
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        data=EventSubmittedData(
            event_id=uuid.uuid4(),
            title="Tea for the ward",
            description="Tea and cake on the lawn to thank the people of the hospital.",
            event_type=Interest.FOOD_AND_MUTUAL_AID,
            starts_at=day,
            ends_at=day + timedelta(hours=2),
            outward_code="G12",
            places=20,
        ),
    )
    await publish_event(rabbitmq_url, event)
    person = await (await browser.new_context(locale="en-GB")).new_page()
    await post_thanks(person, service.url, who)

    lead = await (await browser.new_context(locale="en-GB")).new_page()
    await sign_in(lead, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await expect(lead.locator("#queue-counts")).to_contain_text("1 thank-you")
    await approve(lead, service.url, who)
    await approve(lead, service.url, "Tea for the ward")

    await person.goto(f"{service.url}/thanks")
    await person.get_by_label("Nation").select_option("Wales")
    await person.get_by_label("Who is thanked").select_option("nhs-care")
    await person.get_by_role("button", name="Show thanks").click()
    article = person.locator("article.thanks")
    await expect(article).to_have_count(1)
    await expect(article).to_contain_text(f"Thank you, {who}")
    await expect(article).to_contain_text("From Ann from Splott, CF14")
    await person.get_by_role("link", name=f"Thank you, {who}").click()
    await expect(person.get_by_role("heading", level=1)).to_have_text(f"Thank you, {who}")
    shared = person.url

    await person.goto(f"{service.url}/thanks/5-july")
    await expect(person.get_by_role("heading", level=1)).to_have_text(
        f"5 July {day.year}: thank you"
    )
    await expect(person.locator("article.thanks")).to_contain_text(who)
    await expect(person.locator(".day-events")).to_contain_text("Tea for the ward")
    await expect(person.locator(".region-bubble")).to_have_count(2)
    table = person.locator("table.region-table")
    await expect(table.locator("tr", has_text="CF14")).to_contain_text("1")
    await expect(table.locator("tr", has_text="G12")).to_contain_text("1")
    await person.get_by_role("link", name=f"Thank you, {who}").click()
    assert person.url == shared

    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        context = await browser.new_context(
            locale="en-GB", viewport={"width": width, "height": 900}
        )
        page = await context.new_page()
        for path, name in (
            ("/thanks", "thanks"),
            ("/thanks/5-july", "thanks-5-july"),
            ("/thanks/new", "thanks-new"),
        ):
            await page.goto(f"{service.url}{path}")
            await page.screenshot(path=SCREENS / f"{name}-{width}.png", full_page=True)
            wider = await page.evaluate(WIDER_THAN_THE_SCREEN)
            assert wider == [], f"{path} wider than the screen: {wider}"
        await context.close()
