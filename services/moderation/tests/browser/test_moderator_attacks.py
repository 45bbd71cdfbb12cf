"""Hostile input and hostile sites against the moderator UI and the public pages, in Chromium."""

import httpx
import pytest
from playwright.async_api import Page, Route, expect

from .conftest import LEAD_EMAIL, LEAD_PASSWORD, Service, sign_in

pytestmark = pytest.mark.browser

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "<svg onload=alert(1)><circle r=5 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<math href=javascript:alert(1)>CLICK</math>",
    '"><script>alert(1)</script><"',
    "'><img src=x onerror=alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "{{ 7*7 }} ${alert(1)} <!-- <script>alert(1)</script> -->",
]
INJECTED = (
    "img[src=x], iframe, math, body[onload], details[ontoggle], a[href^='javascript'], "
    "[onerror], [onload], [ontoggle], script:not([src]), style:not([href]), main svg:not(.chart-svg)"
)


def record_dialogs(page: Page) -> list[str]:
    seen: list[str] = []

    async def dismiss(dialog: object) -> None:
        seen.append(str(getattr(dialog, "message", "")))
        await dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dismiss)
    return seen


async def test_xss_payloads_run_nowhere(service: Service, page: Page) -> None:
    dialogs = record_dialogs(page)
    ids = [
        await service.share(
            title=f"{payload[:150]} #{n}", text=f"Before {payload} after", name=payload[:100]
        )
        for n, payload in enumerate(XSS)
    ]
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await expect(page.locator("#queue-list tbody tr")).to_have_count(len(XSS))
    assert await page.locator(INJECTED).count() == 0

    for item_id in ids:
        await page.goto(f"{service.url}/moderation/items/{item_id}")
        await expect(page.locator("#submission")).to_contain_text("Before")
        assert await page.locator(INJECTED).count() == 0, item_id
        await page.get_by_role("button", name="Work on this item").click()
        await page.get_by_role("button", name="Approve as sent").click()
        await expect(page.locator(".flash")).to_be_visible()

    for path in ["/stories", *(f"/stories/{item_id}" for item_id in ids), "/moderation/dashboard"]:
        await page.goto(f"{service.url}{path}")
        assert await page.locator(INJECTED).count() == 0, path
    await page.goto(f"{service.url}/stories")
    await expect(page.locator("article.story")).to_have_count(len(XSS))
    await expect(page.locator("article.story").first).to_contain_text("<")
    await page.wait_for_timeout(500)
    assert dialogs == []


async def test_a_cross_site_post_without_the_token_is_refused(service: Service, page: Page) -> None:
    story = await service.share(title="Not yours to approve")
    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    target = f"{service.url}/moderation/items/{story}/approve"

    async def attacker_site(route: Route) -> None:
        await route.fulfill(
            content_type="text/html",
            body=f'<form method="post" action="{target}"><button>Win a prize</button></form>',
        )

    await page.route("http://attacker.example/**", attacker_site)
    await page.goto("http://attacker.example/prize")
    async with page.expect_response(target) as answered:
        await page.get_by_role("button", name="Win a prize").click()

    assert (await answered.value).status == 403
    async with httpx.AsyncClient(timeout=10) as client:
        published = await client.get(f"{service.url}/api/v1/stories/{story}")
    assert published.status_code == 404


async def test_five_wrong_passwords_lock_the_account(service: Service, page: Page) -> None:
    for _ in range(5):
        await sign_in(page, service.url, LEAD_EMAIL, "not the password")
        await expect(page.locator("#error-summary")).to_have_text(
            "The email address or password is not right."
        )

    await sign_in(page, service.url, LEAD_EMAIL, LEAD_PASSWORD)

    await expect(page.locator("#error-summary")).to_have_text(
        "The email address or password is not right."
    )
    await page.goto(f"{service.url}/moderation")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to moderate")
