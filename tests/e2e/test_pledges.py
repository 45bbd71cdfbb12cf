"""A pledge's journey through signups, moderation and notifications as real processes: an
organisation pledges at /join/organisation and confirms by email; the pledge is not on /pledges
until a moderator approves it in the queue (where screening flagged its phone number), appears
as approved (redacted), and a rejected pledge never appears. Each contact hears the outcome."""

import asyncio
import html
import re
import sys
from typing import Any

import httpx
import pytest
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import System
from .test_journeys import (
    ADMIN_KEY,
    DAYTIME_NOTIFICATIONS,
    STEP,
    approve_redacted,
    claimed,
    csrf_of,
    item_in_queue,
    link,
    mail_to,
    moderator,
    plain_text,
    textarea,
)

pytestmark = pytest.mark.e2e

NUMBER = "07700 900982"


async def start(system: System, sink: Any) -> None:
    system.start("signups", SIGNUPS_ADMIN_API_KEY=ADMIN_KEY)
    system.start("moderation")
    system.start(
        "notifications",
        command=[sys.executable, str(DAYTIME_NOTIFICATIONS)],
        NOTIFICATIONS_SMTP_HOST="127.0.0.1",
        NOTIFICATIONS_SMTP_PORT=str(sink.smtp_port),
        NOTIFICATIONS_ADMIN_API_KEY=ADMIN_KEY,
        NOTIFICATIONS_DISPATCH_POLL_SECONDS="0.2",
    )
    for name in ("signups", "moderation", "notifications"):
        await asyncio.to_thread(system.processes[name].wait_ready, 60.0)


async def pledge_and_confirm(
    system: System,
    sink: Any,
    public: httpx.AsyncClient,
    *,
    name: str,
    email: str,
    pledge: str,
    districts: str = "",
) -> None:
    """Pledge with the form (naming `districts` it serves, if any), then follow the link in the
    welcome email."""
    pledged = await public.post(
        "/join/organisation",
        data={
            "name": name,
            "organisation_type": "community-group",
            "contact_name": "Sam Patel",
            "contact_email": email,
            "postcode": "M1 1AE",
            "language": "en",
            "pledge": pledge,
            "pledge_categories": ["food-and-mutual-aid"],
            "pledge_districts": districts,
        },
    )
    assert pledged.status_code == 303, pledged.text
    welcome = await mail_to(
        sink, email, "Please confirm your email to publish your organisation's pledge"
    )
    confirm_url = link(plain_text(welcome), f"{system.url('signups')}/confirm/")
    confirmed = await public.post(confirm_url)
    assert confirmed.status_code == 200, confirmed.text
    assert "A moderator will read your pledge" in confirmed.text


async def pledges_page(public: httpx.AsyncClient) -> str:
    page = await public.get("/pledges")
    assert page.status_code == 200
    return html.unescape(page.text)


async def test_a_pledge_is_public_only_once_approved_and_never_after_a_rejection(
    system: System, mail_sink: Any
) -> None:
    await start(system, mail_sink)
    tag = unique_tag()
    kitchen, shop = f"Riverside Kitchen {tag}", f"Cheap Kitchens Ltd {tag}"
    kitchen_email, shop_email = f"sam-{tag}@example.org", f"sales-{tag}@example.org"
    async with httpx.AsyncClient(base_url=system.url("signups"), timeout=30) as public:
        await pledge_and_confirm(
            system,
            mail_sink,
            public,
            name=kitchen,
            email=kitchen_email,
            pledge=f"A monthly lunch open to everyone.\nRing us on {NUMBER} to lend a hand.",
        )
        await pledge_and_confirm(
            system,
            mail_sink,
            public,
            name=shop,
            email=shop_email,
            pledge="Twenty per cent off our fitted kitchens for every community group.",
        )
        seen = [await pledges_page(public)]

        async with moderator(system) as desk:
            kitchen_id = await item_in_queue(desk, kitchen)
            shop_id = await item_in_queue(desk, shop)
            seen.append(await pledges_page(public))
            queue = html.unescape((await desk.get("/moderation", params={"kind": "pledge"})).text)
            row = re.search(rf'<tr[^>]*data-id="{kitchen_id}".*?</tr>', queue, re.S)
            assert row, queue
            assert '<span class="flag flag-personal-data">Personal data</span>' in row.group(0)
            assert "<td>Pledge</td>" in row.group(0)

            item = await claimed(desk, kitchen_id)
            assert re.search(r'<mark class="flag-personal-data"[^>]*>' + NUMBER, item.text)
            suggested = textarea(item.text, "field-redacted-text")
            assert NUMBER not in suggested
            approved = await approve_redacted(desk, kitchen_id, item, text=suggested)
            assert approved.status_code == 303, approved.text

            item = await claimed(desk, shop_id)
            rejected = await desk.post(
                f"/moderation/items/{shop_id}/reject",
                data={"csrf": csrf_of(item.text), "reason": "commercial", "note": "an advert"},
            )
            assert rejected.status_code == 303, rejected.text

        async def published() -> str:
            page = await pledges_page(public)
            seen.append(page)
            return page

        page = await eventually(
            published, until=lambda p: kitchen in p, timeout=STEP, what="the pledge published"
        )
        assert "A monthly lunch open to everyone." in page
        assert NUMBER not in page
        assert "[phone number removed]" in page
        assert seen[0].count(kitchen) == seen[1].count(kitchen) == 0, "public before approval"

        told_shop = await mail_to(mail_sink, shop_email, "About your pledge")
        told_kitchen = await mail_to(mail_sink, kitchen_email, "Your pledge is published")
        seen.append(await pledges_page(public))

    assert "It was selling something" in plain_text(told_shop)
    assert kitchen in plain_text(told_kitchen)
    assert all(shop not in page for page in seen), "a rejected pledge was shown"
