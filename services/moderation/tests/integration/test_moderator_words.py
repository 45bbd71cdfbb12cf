"""What a moderator reads: words, not codes; UK time marked GMT or BST; a reason chosen on
purpose; three decisions that look different; a queue that previews each text (issue 18)."""

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moderation.domain.decisions import ClaimHeldError, Role
from moderation.domain.items import Status
from moderation.entrypoints.web.moderator.ui import clock_text, uk_time
from moderation.entrypoints.web.moderator.views import preview
from moderation.handlers.listings import receive_listing
from together_contracts import EventSubmitted, EventSubmittedData, Interest

from .conftest import Moderation, StartModeration
from .moderator_support import claim, csrf_of, share, signed_in

pytestmark = pytest.mark.integration

SUMMER = datetime(2026, 7, 4, 11, 0, tzinfo=UTC)
"""A Saturday in British Summer Time: 12:00 on UK clocks."""
WINTER = datetime(2026, 12, 5, 14, 3, tzinfo=UTC)
"""A Saturday in Greenwich Mean Time: 14:03 on UK clocks."""
NEXT_SUMMER = datetime(2027, 7, 3, 11, 0, tzinfo=UTC)
"""A clock to run the app at in summer: ahead of real time, so sign-in cookies do not expire."""


def options(html: str, select_id: str) -> list[str]:
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, select_id
    return re.findall(r"<option[^>]*>[^<]*</option>", found.group(1))


def details(html: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", html))


@pytest.mark.unit
def test_uk_time_says_gmt_or_bst() -> None:
    assert uk_time(WINTER) == "Sat 5 Dec 2026, 14:03 GMT"
    assert uk_time(SUMMER) == "Sat 4 Jul 2026, 12:00 BST"
    assert uk_time(SUMMER.replace(tzinfo=None), seconds=True) == "Sat 4 Jul 2026, 12:00:00 BST"
    assert clock_text(SUMMER) == "12:00 BST"
    assert clock_text(WINTER) == "14:03 GMT"
    clocks_go_back = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert uk_time(clocks_go_back) == "Sun 25 Oct 2026, 01:30 BST"
    assert uk_time(clocks_go_back + timedelta(hours=1)) == "Sun 25 Oct 2026, 01:30 GMT"
    assert str(ClaimHeldError("Ann", SUMMER)) == "Ann is reviewing this item until 12:00 BST."


@pytest.mark.unit
def test_a_preview_is_the_start_of_the_text_on_one_line() -> None:
    assert preview("Short\nand sweet") == "Short and sweet"
    long = "word " * 100
    cut = preview(long)
    assert cut.endswith("…")
    assert len(cut) <= 161
    assert not cut[:-1].endswith(" ")


async def test_a_story_item_page_shows_words_and_undecided_reasons(
    moderation: Moderation,
) -> None:
    item = await share(moderation, prompt="lockdown", language="cy", text="Roedd hi'n anodd.")
    ann = await signed_in(moderation, "Ann")
    await claim(ann, item)

    page = (await ann.get(f"/moderation/items/{item}")).text

    shown = details(page)
    assert shown["Question"] == "How was lockdown for you?"
    assert shown["Language"] == "Welsh"
    assert "Story · Waiting" in page
    reject = options(page, "field-reason")
    assert reject[0] == '<option value="" selected>Choose a reason</option>'
    assert not any("selected" in option for option in reject[1:])
    assert '<option value="personal-data">Personal data</option>' in reject
    escalate = options(page, "field-escalate-reason")
    assert escalate[0] == '<option value="" selected>Choose a reason</option>'
    assert '<option value="legal">Legal question</option>' in escalate
    assert 'class="decision-approve" id="approve"' in page
    assert 'class="decision-reject" id="reject"' in page
    assert 'class="decision-escalate" id="escalate"' in page


async def test_reject_or_escalate_without_a_reason_is_refused_by_the_reason(
    moderation: Moderation,
) -> None:
    item = await share(moderation)
    ann = await signed_in(moderation, "Ann")
    await claim(ann, item)
    csrf = await csrf_of(ann)

    rejected = await ann.post(f"/moderation/items/{item}/reject", data={"csrf": csrf, "reason": ""})
    escalated = await ann.post(f"/moderation/items/{item}/escalate", data={"csrf": csrf})

    assert rejected.status_code == 422
    assert 'id="reason-error"' in rejected.text
    assert "Choose a reason to reject this item." in rejected.text
    assert 'href="#field-reason"' in rejected.text
    assert escalated.status_code == 422
    assert "Choose a reason to escalate this item." in escalated.text
    assert 'id="escalate-reason-error"' in escalated.text
    still = await moderation.ctx.items.get(item)
    assert still is not None
    assert (still.status, still.decisions) == (Status.PENDING, [])


def listing(starts: datetime, **extra: Any) -> EventSubmitted:
    """A two-hour community lunch in M1, as matching submits it."""
    event_id = uuid.uuid4()
    return EventSubmitted(
        producer="matching",
        correlation_id=f"test-{event_id.hex[:8]}",
        data=EventSubmittedData(
            event_id=event_id,
            title="Community lunch",
            description="Soup and chat.",
            event_type=Interest.FOOD_AND_MUTUAL_AID,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            outward_code="M1",
            places=6,
            **extra,
        ),
    )


async def test_a_listing_reads_in_words_and_uk_time(moderation: Moderation) -> None:
    submitted = listing(SUMMER)
    event_id = submitted.data.event_id
    assert await receive_listing(submitted, moderation.ctx)
    ann = await signed_in(moderation, "Ann")

    page = (await ann.get(f"/moderation/items/{event_id}")).text

    shown = details(page)
    assert shown["Type of event"] == "Food and mutual aid"
    assert shown["Starts"] == "Sat 4 Jul 2026, 12:00 BST"
    assert shown["Ends"] == "Sat 4 Jul 2026, 14:00 BST"
    assert "Event listing · Waiting" in page


async def test_the_queue_previews_each_text_escaped(moderation: Moderation) -> None:
    opening = "<b>Bold</b> start of a story that goes on " + "and on " * 30
    item = await share(moderation, text=opening + "THE HIDDEN END")
    ann = await signed_in(moderation, "Ann")

    queue = (await ann.get("/moderation")).text

    row = queue.split(f'data-id="{item}"')[1].split("</tr>")[0]
    assert '<p class="queue-preview">&lt;b&gt;Bold&lt;/b&gt; start of a story' in row
    assert "<b>Bold" not in row
    assert "THE HIDDEN END" not in row
    assert "…</p>" in row


async def test_times_a_moderator_reads_are_uk_time(start_moderation: StartModeration) -> None:
    async with start_moderation() as moderation:
        moderation.clock.now = NEXT_SUMMER
        item = await share(moderation)
        ann = await signed_in(moderation, "Ann")
        lena = await signed_in(moderation, "Lena", Role.LEAD)
        await claim(ann, item)
        csrf = await csrf_of(ann)
        decided = await ann.post(
            f"/moderation/items/{item}/reject", data={"csrf": csrf, "reason": "spam"}
        )
        assert decided.status_code == 303

        audit = (await lena.get(f"/moderation/items/{item}/audit")).text
        security = (await lena.get("/moderation/security")).text
        exported = await lena.get(f"/moderation/audit.csv?start={NEXT_SUMMER.date()}")

    decided_at = re.findall(r"<td>(\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d (?:GMT|BST))</td>", audit)
    assert len(decided_at) == 1
    assert re.fullmatch(r"Sat 3 Jul 2027, 12:0\d BST", decided_at[0])
    assert "<td>Spam</td>" in audit
    assert " UTC" not in audit
    assert "Time (UK)" in security
    assert re.search(r"<td>Sat 3 Jul 2027, 12:\d\d:\d\d BST</td>", security)
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert "time_utc" in rows[0]
    assert rows[1][rows[0].index("time_utc")].startswith("2027-07-03T11:")


async def test_a_listings_roles_reach_the_item_page_and_the_queue(moderation: Moderation) -> None:
    submitted = listing(WINTER, roles=["Setting up", "Serving <soup>"])
    event_id = submitted.data.event_id
    assert await receive_listing(submitted, moderation.ctx)
    ann = await signed_in(moderation, "Ann")

    page = (await ann.get(f"/moderation/items/{event_id}")).text
    queue = (await ann.get("/moderation")).text

    assert details(page)["Roles"] == "Setting up, Serving &lt;soup&gt;"
    row = queue.split(f'data-id="{event_id}"')[1].split("</tr>")[0]
    assert '<p class="queue-roles">Roles: Setting up, Serving &lt;soup&gt;</p>' in row
