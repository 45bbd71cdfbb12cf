"""The thank-you wall for 5 July (issue 22) on the real broker and store: posting (API and form,
with their limits), screening, the moderators' queue, decisions and their events, the wall and
its filters, a thank-you's own page, the day's page with the events listed for it on a map, and
erasure and subject access by the author's email digest."""

import html
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from moderation.domain.decisions import Moderator, Reason
from moderation.domain.queue import QueueFilter
from moderation.entrypoints.thanks_schemas import THANKS_EXAMPLE
from moderation.handlers import access, decisions, erasure, listings
from together_contracts import (
    EventCancelled,
    EventCancelledData,
    EventChanged,
    EventChangedData,
    EventSubmitted,
    EventSubmittedData,
    EventSummary,
    Interest,
    PersonAccessRequested,
    PersonAccessRequestedData,
    PersonErasureRequested,
    PersonErasureRequestedData,
    email_digest,
)
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import Moderation, StartModeration

pytestmark = pytest.mark.integration

THANKS = "/api/v1/thanks"
ANN = Moderator("ann")
LONDON = ZoneInfo("Europe/London")


def thanks(**changes: Any) -> dict[str, Any]:
    return {**THANKS_EXAMPLE, "who": f"The night team {unique_tag()}", **changes}


async def post(moderation: Moderation, **changes: Any) -> uuid.UUID:
    created = await moderation.http.post(THANKS, json=thanks(**changes))
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["id"])


async def approved(moderation: Moderation, **changes: Any) -> uuid.UUID:
    thanks_id = await post(moderation, **changes)
    await decisions.approve(thanks_id, ANN, ctx=moderation.ctx)
    return thanks_id


async def of(events: list[dict[str, Any]], thanks_id: uuid.UUID, kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind and e["data"]["thanks_id"] == str(thanks_id)]


async def test_a_thank_you_is_screened_queued_decided_and_published(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    what_for = "You rang me every day on 07700 900982 when I was shielding."
    async with event_probe(rabbitmq_url, ["thanks.*"]) as probe:
        thanks_id = await post(moderation, what_for=what_for)
        stored = await moderation.db["items"].find_one({"_id": str(thanks_id)})
        assert stored is not None
        assert (stored["kind"], stored["status"], stored["nation"]) == (
            "thanks",
            "pending",
            "Wales",
        )
        assert stored["flags"] == ["personal-data"]
        [submitted] = await eventually(
            lambda: of(probe.events, thanks_id, "thanks.submitted"), what="thanks.submitted"
        )
        assert submitted["data"]["worker"] == "nhs-care"
        assert "07700" not in str(submitted)
        assert (await moderation.http.get(THANKS)).json()["total"] == 0

        counts = await moderation.ctx.items.counts(QueueFilter(), now=moderation.clock())
        assert counts.by_kind["thanks"] == 1

        await decisions.claim(thanks_id, ANN, ctx=moderation.ctx)
        await decisions.approve(
            thanks_id,
            ANN,
            redacted_text=stored["screening"]["suggested_text"],
            ctx=moderation.ctx,
        )
        [outcome] = await eventually(
            lambda: of(probe.events, thanks_id, "thanks.approved"), what="thanks.approved"
        )
    assert outcome["data"]["author_email"] == "ann@example.org"
    assert outcome["data"]["public_url"] == f"http://moderation.test/thanks/{thanks_id}"
    assert outcome["data"]["who"] == stored["title"]

    [public] = (await moderation.http.get(THANKS)).json()["thanks"]
    assert public["what_for"].endswith("on [phone number removed] when I was shielding.")
    assert (public["nation"], public["worker"], public["region"]) == ("Wales", "nhs-care", "CF14")
    assert "email" not in public

    page = (await moderation.http.get(f"/thanks/{thanks_id}")).text
    assert f"Thank you, {stored['title']}" in html.unescape(page)
    assert '<meta property="og:title"' in page
    assert "07700" not in page


async def test_a_rejected_thank_you_tells_its_author_and_stays_off_the_wall(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    async with event_probe(rabbitmq_url, ["thanks.*"]) as probe:
        thanks_id = await post(moderation, notify_outcome=False)
        await decisions.reject(thanks_id, ANN, reason=Reason.OFF_TOPIC, ctx=moderation.ctx)
        [outcome] = await eventually(
            lambda: of(probe.events, thanks_id, "thanks.rejected"), what="thanks.rejected"
        )
    assert outcome["data"]["author_email"] is None  # they did not ask to hear
    assert outcome["data"]["public_url"] is None
    assert (await moderation.http.get(f"/thanks/{thanks_id}")).status_code == 404
    assert (await moderation.http.get(THANKS)).json()["total"] == 0


async def test_the_wall_is_filtered_by_nation_and_kind_of_worker(moderation: Moderation) -> None:
    cardiff = await approved(moderation, region="cf14 4xw", worker="nhs-care")
    glasgow = await approved(moderation, region="G12", worker="transport")
    belfast = await approved(moderation, region="Northern Ireland", worker="neighbours")
    leeds = await approved(moderation, region="Yorkshire and the Humber", worker="transport")
    await post(moderation, region="G1")  # not approved: never shown

    async def ids(**params: str) -> set[uuid.UUID]:
        found = (await moderation.http.get(THANKS, params=params)).json()["thanks"]
        return {uuid.UUID(one["id"]) for one in found}

    assert await ids() == {cardiff, glasgow, belfast, leeds}
    assert await ids(nation="Scotland") == {glasgow}
    assert await ids(nation="England") == {leeds}
    assert await ids(worker="transport") == {glasgow, leeds}
    assert await ids(nation="Wales", worker="transport") == set()
    assert (await moderation.http.get(THANKS, params={"nation": "Mars"})).status_code == 422

    page = html.unescape((await moderation.http.get("/thanks?nation=Scotland")).text)
    shown = [line for line in page.splitlines() if "Thank you, The night team" in line]
    assert len(shown) == 1
    assert (await moderation.http.get("/thanks?worker=nonsense")).status_code == 200


async def listing(
    moderation: Moderation, title: str, *, at: datetime, approve: bool = True
) -> uuid.UUID:
    """An event matching sent for moderation, starting `at` (UK time), approved unless told."""
    starts = at.replace(tzinfo=LONDON)
    submitted = EventSubmitted(
        producer="matching",
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        data=EventSubmittedData(
            event_id=uuid.uuid4(),
            title=title,
            description="Tea and cake to say thank you to the people on the ward.",
            event_type=Interest.FOOD_AND_MUTUAL_AID,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            outward_code="M1",
            places=6,
        ),
    )
    assert await listings.receive_listing(submitted, moderation.ctx)
    if approve:
        await decisions.approve(submitted.data.event_id, ANN, ctx=moderation.ctx)
    return submitted.data.event_id


async def test_the_day_gathers_thanks_and_the_events_listed_for_it_on_a_map(
    moderation: Moderation,
) -> None:
    await approved(moderation, region="CF14")
    await approved(moderation, region="Scotland")
    on_the_day = await listing(moderation, "Tea for the ward", at=datetime(2031, 7, 5, 10, 30))
    late = await listing(moderation, "Late bus thank-you", at=datetime(2031, 7, 5, 23, 30))
    await listing(moderation, "The day after", at=datetime(2031, 7, 6, 0, 30))
    await listing(moderation, "Never approved", at=datetime(2031, 7, 5, 12), approve=False)

    page = html.unescape((await moderation.http.get("/thanks/5-july?year=2031")).text)

    assert "5 July 2031: thank you" in page
    assert "Tea for the ward" in page
    assert "Late bus thank-you" in page
    assert "The day after" not in page
    assert "Never approved" not in page
    assert f"/events#e-{on_the_day}" in page
    assert f"/events#e-{late}" in page
    assert "10:30" in page  # in UK time
    assert '<svg class="region-map"' in page
    assert page.count('<g class="region-bubble">') == 3  # CF14, M1 and Scotland
    assert "<title>CF14: thanks: 1, events: 0</title>" in page
    assert "<title>M1: thanks: 0, events: 2</title>" in page
    assert '<tr><th scope="row">Scotland</th><td>1</td><td>0</td></tr>' in page


async def test_the_day_follows_listings_moved_or_cancelled_in_matching(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    moved = await listing(moderation, "Moved to the 4th", at=datetime(2031, 7, 5, 10))
    cancelled = await listing(moderation, "Called off", at=datetime(2031, 7, 5, 11))
    await listing(moderation, "Still on", at=datetime(2031, 7, 5, 12))
    day = "/thanks/5-july?year=2031"
    assert "Called off" in (await moderation.http.get(day)).text

    def summary(event_id: uuid.UUID, title: str, at: datetime) -> EventSummary:
        starts = at.replace(tzinfo=LONDON)
        return EventSummary(
            event_id=event_id,
            title=title,
            event_type=Interest.FOOD_AND_MUTUAL_AID,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )

    earlier = summary(moved, "Moved to the 4th", datetime(2031, 7, 4, 10))
    await publish_event(
        rabbitmq_url,
        EventChanged(
            producer="matching",
            correlation_id="moved",
            data=EventChangedData(event=earlier, changes=["starts_at", "ends_at"]),
        ),
    )
    gone = summary(cancelled, "Called off", datetime(2031, 7, 5, 11))
    await publish_event(
        rabbitmq_url,
        EventCancelled(
            producer="matching", correlation_id="off", data=EventCancelledData(event=gone)
        ),
    )

    async def shown() -> str:
        return html.unescape((await moderation.http.get(day)).text)

    page = await eventually(
        shown,
        until=lambda text: "Called off" not in text and "Moved to the 4th" not in text,
        what="the day without the moved and cancelled events",
    )
    assert "Still on" in page
    stored = await moderation.db["items"].find_one({"_id": str(moved)})
    assert stored is not None
    assert stored["starts_at"].day == 4


async def test_the_form_answers_with_errors_inline_and_the_api_with_field_paths(
    moderation: Moderation,
) -> None:
    form = await moderation.http.post(
        "/thanks/new", data={"who": "", "worker": "pilots", "what_for": "x" * 1001}
    )
    assert form.status_code == 422
    text = html.unescape(form.text)
    for said in (
        "Say who you are thanking: a name or a role",
        "Choose who they are",
        "Your thanks must be 1,000 characters or fewer",
        "Enter where: the first half of a postcode, or a nation or region",
    ):
        assert said in text
    api = await moderation.http.post(THANKS, json=thanks(worker="pilots", region="Atlantis"))
    assert api.status_code == 422
    assert [d["loc"] for d in api.json()["detail"]] == [["body", "worker"], ["body", "region"]]
    big = await moderation.http.post(
        THANKS,
        content=b'{"who": "' + b"x" * 70_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert big.status_code == 413
    sent = await moderation.http.post("/thanks/new", data={**thanks(), "notify_outcome": "yes"})
    assert (sent.status_code, sent.headers["location"]) == (303, "/thanks/new/sent")
    assert await moderation.db["items"].count_documents({"kind": "thanks"}) == 1


async def test_posting_thanks_is_rate_limited_as_sharing_is(
    start_moderation: StartModeration,
) -> None:
    async with start_moderation(share_rate_limit="2/minute") as moderation:
        answers = [(await moderation.http.post(THANKS, json=thanks())).status_code for _ in "abc"]
    assert answers == [201, 201, 429]


async def test_erasure_blanks_and_unpublishes_a_thank_you_and_access_lists_it(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    thanks_id = await approved(moderation)
    key = moderation.settings.erasure_digest_key
    digest = email_digest("Ann@Example.org", key=key)
    other = await post(moderation, email="someone@example.org")
    async with event_probe(rabbitmq_url, ["person.access_answered"]) as probe:
        asked = PersonAccessRequested(
            producer="signups",
            correlation_id="access",
            data=PersonAccessRequestedData(access_id=uuid.uuid4(), email_digest=digest),
        )
        await access.answer_access(asked, moderation.ctx)
        [answer] = await probe.wait_for(1)
    [held] = answer["data"]["held"]["thanks"]
    assert held["id"] == str(thanks_id) != str(other)
    assert (held["author_email"], held["worker"]) == ("ann@example.org", "nhs-care")
    async with event_probe(rabbitmq_url, ["thanks.withdrawn"]) as probe:
        request = PersonErasureRequested(
            producer="signups",
            correlation_id="test-erasure",
            data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), email_digest=digest),
        )
        assert await erasure.forget_author(request, moderation.ctx) == 1
        [withdrawn] = await probe.wait_for(1)
    assert withdrawn["data"] == {"thanks_id": str(thanks_id), "by": "erasure"}
    stored = await moderation.db["items"].find_one({"_id": str(thanks_id)})
    assert stored is not None
    assert (stored["status"], stored["title"], stored["text"]) == ("erased", "", "")
    assert (stored["author_name"], stored["author_email"]) == (None, None)
    mine = str(await moderation.db["items"].find({"_id": str(thanks_id)}).to_list()).lower()
    for personal in ("ann from splott", "ann@example.org", "held my dad's hand"):
        assert personal not in mine
    assert (await moderation.http.get(f"/thanks/{thanks_id}")).status_code == 404
    assert (await moderation.http.get(THANKS)).json()["total"] == 0
