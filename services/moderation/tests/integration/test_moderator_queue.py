"""The queue and items in the moderator UI: claims, decisions, bulk, audit, dashboard, escaping."""

import csv
import io
import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from moderation.domain.decisions import Role
from together_kit.testing.probe import event_probe

from .conftest import Moderation, StartModeration
from .moderator_support import claim, csrf_of, share, signed_in

pytestmark = pytest.mark.integration


def listed_ids(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-id="([^"]+)"', html)


async def test_the_queue_lists_pending_items_oldest_first_with_counts_and_ages(
    start_moderation: StartModeration,
) -> None:
    async with start_moderation(
        moderator_session_hours=72, moderator_session_idle_minutes=72 * 60
    ) as moderation:
        await queue_with_ages(moderation)


async def queue_with_ages(moderation: Moderation) -> None:
    first = await share(moderation, text="We baked bread for the street.")
    second = await share(moderation, text="See www.example.org for the photos.", region="Wales")
    held = await share(moderation, text="I want to end my life.")
    ann = await signed_in(moderation, "Ann")
    lena = await signed_in(moderation, "Lena", Role.LEAD)

    page = await ann.get("/moderation")
    assert listed_ids(page.text) == [str(first), str(second)]
    assert "<strong>2</strong> open" in page.text
    assert listed_ids((await lena.get("/moderation")).text) == [str(held), str(first), str(second)]
    flagged = await ann.get("/moderation", params={"flag": "link"})
    assert listed_ids(flagged.text) == [str(second)]
    assert '<span class="flag flag-link">Link</span>' in flagged.text
    assert "<td>Story</td>" in flagged.text
    assert "1 flagged link" in flagged.text
    assert '<option value="personal-data">Personal data</option>' in flagged.text
    assert "<td>story</td>" not in page.text
    assert listed_ids((await ann.get("/moderation?region=wales")).text) == [str(second)]
    assert listed_ids((await ann.get("/moderation?kind=listing")).text) == []

    moderation.clock.advance(hours=47, minutes=58)
    fragment = await ann.get("/moderation/queue/fragment")
    assert "<html" not in fragment.text
    assert 'class="overdue"' not in fragment.text
    moderation.clock.advance(seconds=45)
    overdue = await ann.get("/moderation/queue/fragment")
    assert overdue.text.count('class="overdue"') == 1
    assert "2 d 0 h" in overdue.text
    assert listed_ids((await ann.get("/moderation?age=48h")).text) == [str(first)]


async def test_a_second_moderator_is_told_who_holds_the_item(moderation: Moderation) -> None:
    item = await share(moderation)
    ann = await signed_in(moderation, "Ann")
    bob = await signed_in(moderation, "Bob")
    lena = await signed_in(moderation, "Lena", Role.LEAD)

    assert (await claim(ann, item)).status_code == 303
    mine = await ann.get(f"/moderation/items/{item}")
    theirs = await bob.get(f"/moderation/items/{item}")

    until = (moderation.clock() + timedelta(minutes=10)).astimezone(ZoneInfo("Europe/London"))
    assert "You are working on this until" in mine.text
    assert f"Ann is working on this until {until:%H:%M} {until.tzname()}." in theirs.text
    assert 'id="approve"' not in theirs.text
    assert 'id="claim"' not in theirs.text
    assert (await claim(bob, item)).status_code == 409
    refused = await bob.post(f"/moderation/items/{item}/approve", data={"csrf": await csrf_of(bob)})
    assert refused.status_code == 409
    assert "Ann is reviewing this item" in refused.text

    await lena.post(f"/moderation/items/{item}/reassign", data={"csrf": await csrf_of(lena)})
    assert (await claim(bob, item)).status_code == 303
    assert 'id="approve"' in (await bob.get(f"/moderation/items/{item}")).text


async def test_approve_with_redactions_publishes_the_edit_and_audits_the_original(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    text = '=HYPERLINK("http://evil")\nCall me on 07700 900123 any time.'
    item = await share(moderation, text=text)
    ann = await signed_in(moderation, "Ann")
    lena = await signed_in(moderation, "Lena", Role.LEAD)
    await claim(ann, item)
    page = await ann.get(f"/moderation/items/{item}")
    assert '<mark class="flag-personal-data"' in page.text
    suggested = re.search(r'name="text" rows="12">([^<]*)</textarea>', page.text)
    assert suggested is not None
    assert "07700 900123" not in suggested.group(1)
    edited = "Call me any time."

    async with event_probe(rabbitmq_url, ["story.approved"]) as probe:
        decided = await ann.post(
            f"/moderation/items/{item}/approve",
            data={"csrf": await csrf_of(ann), "title": "Our street", "text": edited},
        )
        events = await probe.wait_for(1)

    assert decided.headers["location"] == "/moderation?done=approved"
    assert events[0]["data"]["story_id"] == str(item)
    public = await moderation.http.get(f"/api/v1/stories/{item}")
    assert public.json()["text"] == edited

    audit_page = await lena.get(f"/moderation/items/{item}/audit")
    assert "approve-with-redactions" in audit_page.text
    assert "07700 900123" in audit_page.text
    exported = await lena.get("/moderation/audit.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 1
    assert (rows[0]["moderator"], rows[0]["action"]) == ("Ann", "approve-with-redactions")
    assert rows[0]["before"].startswith("'=HYPERLINK")
    assert rows[0]["after"] == edited


async def test_reject_and_escalate_from_the_item_page(moderation: Moderation) -> None:
    rejected = await share(moderation, text="Buy cheap watches now.")
    escalated = await share(moderation, text="Is this libel? The mayor stole the funds.")
    ann = await signed_in(moderation, "Ann")
    lena = await signed_in(moderation, "Lena", Role.LEAD)
    await claim(ann, rejected)
    await claim(ann, escalated)
    csrf = await csrf_of(ann)

    no = await ann.post(
        f"/moderation/items/{rejected}/reject",
        data={"csrf": csrf, "reason": "spam", "note": "advert"},
    )
    up = await ann.post(
        f"/moderation/items/{escalated}/escalate", data={"csrf": csrf, "reason": "legal"}
    )
    bad = await ann.post(
        f"/moderation/items/{escalated}/reject", data={"csrf": csrf, "reason": "nonsense"}
    )

    assert (no.status_code, up.status_code, bad.status_code) == (303, 303, 403)
    stored = await moderation.db["items"].find_one({"_id": str(rejected)})
    assert stored is not None
    assert (stored["status"], stored["decisions"][0]["reason"]) == ("rejected", "spam")
    assert listed_ids((await ann.get("/moderation")).text) == []
    assert listed_ids((await lena.get("/moderation")).text) == [str(escalated)]
    assert (await ann.get(f"/moderation/items/{escalated}")).status_code == 403


async def test_bulk_decisions_report_what_they_could_not_decide(moderation: Moderation) -> None:
    one, two, held_by_bob = [await share(moderation) for _ in range(3)]
    ann = await signed_in(moderation, "Ann")
    bob = await signed_in(moderation, "Bob")
    await claim(bob, held_by_bob)

    result = await ann.post(
        "/moderation/bulk",
        data={
            "csrf": await csrf_of(ann),
            "action": "approve",
            "item": [str(one), str(two), str(held_by_bob), "not-a-uuid"],
        },
    )
    missing_reason = await ann.post(
        "/moderation/bulk",
        data={"csrf": await csrf_of(ann), "action": "reject", "item": [str(held_by_bob)]},
    )

    assert result.status_code == 200
    assert "2 items approved." in result.text
    assert "Bob is reviewing this item" in result.text
    assert missing_reason.status_code == 422
    statuses = {d["_id"]: d["status"] async for d in moderation.db["items"].find({}, {"status": 1})}
    assert statuses == {str(one): "approved", str(two): "approved", str(held_by_bob): "pending"}


async def test_the_dashboard_draws_its_charts_as_svg(moderation: Moderation) -> None:
    item = await share(moderation)
    lena = await signed_in(moderation, "Lena", Role.LEAD)
    await lena.get(f"/moderation/items/{item}")
    await lena.post(
        f"/moderation/items/{item}/reject", data={"csrf": await csrf_of(lena), "reason": "spam"}
    )
    await share(moderation)

    page = await lena.get("/moderation/dashboard")

    assert page.status_code == 200
    assert page.text.count("<svg") == 4
    assert page.text.count('class="chart-bar"') == 14 + 14 + 5 + 1
    assert "spam: 1" in page.text
    assert "Items decided per day" in page.text


async def test_markup_in_a_story_is_shown_as_text(moderation: Moderation) -> None:
    payload = '<script>alert(1)</script><img src=x onerror="alert(1)">'
    item = await share(moderation, title=payload[:100], text=payload)
    ann = await signed_in(moderation, "Ann")

    for path in (f"/moderation/items/{item}", "/moderation", "/moderation/queue/fragment"):
        page = await ann.get(path)
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_an_unknown_item_is_a_404(moderation: Moderation) -> None:
    ann = await signed_in(moderation, "Ann")
    assert (await ann.get(f"/moderation/items/{uuid.uuid4()}")).status_code == 404
