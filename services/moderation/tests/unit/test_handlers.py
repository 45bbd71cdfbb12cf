"""The handlers of moderation driven with a small in-memory fake of the item repository."""

import copy
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from moderation.domain.decisions import (
    Action,
    ClaimHeldError,
    LeadRequiredError,
    Moderator,
    Reason,
    Role,
)
from moderation.domain.items import OPEN, Item, ItemNotFoundError, Kind, StatementDetails, Status
from moderation.domain.ports import ItemChange, Sketches
from moderation.domain.queue import QueueCounts, QueueFilter
from moderation.domain.targets import Targets
from moderation.handlers import Context, backlog, decisions, erasure, listings, pledges, stories
from together_contracts import (
    EventSubmitted,
    EventSubmittedData,
    IntegrationEvent,
    Interest,
    PersonErasureRequested,
    PersonErasureRequestedData,
    PledgeMade,
    PledgeMadeData,
    email_digest,
)
from together_kit.testing.clock import Clock

pytestmark = pytest.mark.unit

START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
ANN = Moderator("ann")
BOB = Moderator("bob")
LEAD = Moderator("lena", Role.LEAD)
ERASURE_KEY = b"unit-test-erasure-key"


@dataclass
class FakeItems:
    items: dict[UUID, Item] = field(default_factory=dict)
    events: list[IntegrationEvent] = field(default_factory=list)

    async def add(self, item: Item, *, events: Sequence[IntegrationEvent]) -> bool:
        if item.id in self.items:
            return False
        self.items[item.id] = copy.deepcopy(item)
        self.events += events
        return True

    async def get(self, item_id: UUID) -> Item | None:
        return copy.deepcopy(self.items.get(item_id))

    async def change(self, item_id: UUID, change: ItemChange, *, erasing: bool = False) -> Item:
        if item_id not in self.items:
            raise ItemNotFoundError(item_id)
        item = copy.deepcopy(self.items[item_id])
        self.events += change(item)
        self.items[item_id] = item
        return copy.deepcopy(item)

    async def recent_sketches(self, kind: Kind, *, limit: int) -> Sketches:
        found = [i for i in self.items.values() if i.kind is kind]
        return [(str(i.id), i.screening.sketch) for i in found][-limit:]

    async def queue(
        self, query: QueueFilter, *, now: datetime, limit: int = 50, offset: int = 0
    ) -> list[Item]:
        return [i for i in self.items.values() if i.open][offset : offset + limit]

    async def counts(self, query: QueueFilter, *, now: datetime) -> QueueCounts:
        return QueueCounts(total=len(await self.queue(query, now=now)))

    async def published(
        self, *, theme: str | None, region: str | None, limit: int, offset: int
    ) -> tuple[list[Item], int]:
        found = [i for i in self.items.values() if i.status is Status.APPROVED]
        return found[offset : offset + limit], len(found)

    async def by_author_digest(self, digest: str) -> list[Item]:
        return [
            copy.deepcopy(i)
            for i in self.items.values()
            if i.kind is Kind.STORY
            and i.story.author_email
            and email_digest(i.story.author_email, key=ERASURE_KEY) == digest
        ]

    async def by_participant(self, participant: str) -> list[Item]:
        return [
            copy.deepcopy(i)
            for i in self.items.values()
            if isinstance(i.details, StatementDetails) and i.details.participant == participant
        ]

    async def decided_between(self, start: datetime, end: datetime) -> AsyncIterator[Item]:
        for item in list(self.items.values()):
            if any(start <= d.at < end for d in item.decisions):
                yield copy.deepcopy(item)

    async def open_created_before(self, cutoff: datetime) -> AsyncIterator[Item]:
        for item in list(self.items.values()):
            if item.status in OPEN and item.breach_told_at is None and item.created_at < cutoff:
                yield copy.deepcopy(item)


@dataclass
class FakeAnswers:
    answered: list[PersonErasureRequested] = field(default_factory=list)

    async def answer(self, request: PersonErasureRequested) -> None:
        self.answered.append(request)


@dataclass
class World:
    ctx: Context
    items: FakeItems
    answers: FakeAnswers
    clock: Clock

    def types(self) -> list[str]:
        return [event.type for event in self.items.events]


@pytest.fixture
def world() -> World:
    items, answers, clock = FakeItems(), FakeAnswers(), Clock(START)
    ctx = Context(
        items=items,
        answers=answers,
        clock=clock,
        targets=Targets(),
        public_base_url="https://share.example/",
        lead_emails=("lead@example.org",),
    )
    return World(ctx, items, answers, clock)


def command(
    text: str = "We sang from our doorsteps every week.", **changes: object
) -> stories.SubmitStory:
    fields: dict[str, object] = {
        "prompt": "unites-us",
        "title": "The street choir",
        "text": text,
        "region": "CF10",
        "consent_to_publish": True,
        "correlation_id": "c-1",
        "author_name": "Ann",
        "author_email": "Ann@Example.org",
        "notify_outcome": True,
    }
    return stories.SubmitStory(**{**fields, **changes})  # type: ignore[arg-type]


async def test_a_story_is_stored_pending_and_told_without_its_text(world: World) -> None:
    submitted = await stories.submit_story(command("Mail me: ann@example.org"), world.ctx)

    item = world.items.items[submitted.story_id]
    assert item.status is Status.PENDING
    assert item.story.author_email == "ann@example.org"
    [told] = world.items.events
    assert told.type == "story.submitted"
    assert told.model_dump()["data"]["flags"] == ["personal-data"]
    assert "ann@example.org" not in told.model_dump_json()


async def test_a_safeguarding_story_is_held_and_the_author_told(world: World) -> None:
    submitted = await stories.submit_story(
        command("I can't go on", notify_outcome=False), world.ctx
    )

    assert submitted.held
    assert world.items.items[submitted.story_id].status is Status.HELD
    assert world.types() == ["story.submitted", "story.held"]
    held = world.items.events[1].model_dump(mode="json")["data"]
    assert held["author_email"] == "ann@example.org"


async def test_a_held_story_without_an_email_is_told_without_one(world: World) -> None:
    await stories.submit_story(command("I want to die", author_email=None), world.ctx)

    assert world.items.events[1].model_dump()["data"]["author_email"] is None


async def test_a_second_copy_is_flagged_as_a_near_duplicate(world: World) -> None:
    first = await stories.submit_story(command(), world.ctx)
    second = await stories.submit_story(command(), world.ctx)

    screening = world.items.items[second.story_id].screening
    assert screening.duplicate_of == str(first.story_id)


async def test_approval_tells_the_author_who_asked(world: World) -> None:
    submitted = await stories.submit_story(command(), world.ctx)
    await decisions.claim(submitted.story_id, ANN, ctx=world.ctx)

    item = await decisions.approve(submitted.story_id, ANN, ctx=world.ctx)

    assert item.status is Status.APPROVED
    approved = world.items.events[-1].model_dump(mode="json")
    assert approved["type"] == "story.approved"
    assert approved["data"]["author_email"] == "ann@example.org"
    assert approved["data"]["public_url"] == f"https://share.example/stories/{item.id}"


async def test_rejection_tells_the_reason_but_no_email_unless_asked(world: World) -> None:
    submitted = await stories.submit_story(command(notify_outcome=False), world.ctx)

    await decisions.reject(
        submitted.story_id, ANN, reason=Reason.OFF_TOPIC, note="internal", ctx=world.ctx
    )

    rejected = world.items.events[-1].model_dump(mode="json")
    assert rejected["type"] == "story.rejected"
    assert rejected["data"]["author_email"] is None
    assert rejected["data"]["reason"] == "off-topic"
    assert "internal" not in str(rejected)


async def test_a_claimed_item_refuses_other_moderators(world: World) -> None:
    submitted = await stories.submit_story(command(), world.ctx)
    await decisions.claim(submitted.story_id, ANN, ctx=world.ctx)

    with pytest.raises(ClaimHeldError):
        await decisions.claim(submitted.story_id, BOB, ctx=world.ctx)
    with pytest.raises(ClaimHeldError):
        await decisions.reject(submitted.story_id, BOB, reason=Reason.SPAM, ctx=world.ctx)
    world.clock.advance(minutes=11)
    await decisions.approve(submitted.story_id, BOB, ctx=world.ctx)


async def test_escalation_tells_nothing(world: World) -> None:
    submitted = await stories.submit_story(command(), world.ctx)

    item = await decisions.escalate(submitted.story_id, ANN, reason=Reason.UNSURE, ctx=world.ctx)

    assert item.status is Status.ESCALATED
    assert world.types() == ["story.submitted"]


async def test_bulk_decisions_report_what_they_could_not_decide(world: World) -> None:
    ids = [
        (await stories.submit_story(command(f"story {n}"), world.ctx)).story_id for n in range(3)
    ]
    await decisions.claim(ids[1], BOB, ctx=world.ctx)
    held = (await stories.submit_story(command("I want to die"), world.ctx)).story_id

    outcome = await decisions.bulk_decide(
        [*ids, held], ANN, action=Action.REJECT, reason=Reason.SPAM, ctx=world.ctx
    )

    assert outcome.decided == [ids[0], ids[2]]
    assert set(outcome.refused) == {ids[1], held}
    assert "bob" in outcome.refused[ids[1]]
    with pytest.raises(ValueError, match="reason"):
        await decisions.bulk_decide(ids, ANN, action=Action.REJECT, ctx=world.ctx)


def submitted_listing(event_id: UUID | None = None) -> EventSubmitted:
    return EventSubmitted(
        producer="matching",
        correlation_id="c-2",
        data=EventSubmittedData(
            event_id=event_id or uuid.uuid4(),
            title="Community lunch",
            description="Soup and chat. Call 07700 900982.",
            event_type=Interest.FOOD_AND_MUTUAL_AID,
            starts_at=START + timedelta(days=3),
            ends_at=START + timedelta(days=3, hours=2),
            outward_code="M1",
            places=6,
        ),
    )


async def test_listings_join_the_queue_once_and_are_decided(world: World) -> None:
    event = submitted_listing()

    assert await listings.receive_listing(event, world.ctx)
    assert not await listings.receive_listing(event, world.ctx)
    item = world.items.items[event.data.event_id]
    assert (item.kind, item.region, item.screening.flags) == (
        Kind.LISTING,
        "M1",
        ("personal-data",),
    )
    await decisions.reject(item.id, ANN, reason=Reason.COMMERCIAL, ctx=world.ctx)
    rejected = world.items.events[-1].model_dump(mode="json")
    assert rejected["type"] == "listing.rejected"
    assert rejected["data"] == {"event_id": str(item.id), "reason": "commercial"}


async def test_backlog_breaches_are_told_once(world: World) -> None:
    ordinary = (await stories.submit_story(command("one"), world.ctx)).story_id
    held = (await stories.submit_story(command("I want to die"), world.ctx)).story_id
    world.items.events.clear()

    world.clock.advance(hours=5)
    assert await backlog.alert_breaches(ctx=world.ctx) == 1
    assert await backlog.alert_breaches(ctx=world.ctx) == 0
    world.clock.advance(hours=44)
    assert await backlog.alert_breaches(ctx=world.ctx) == 1

    alerts = [event.model_dump(mode="json")["data"] for event in world.items.events]
    assert [a["item_id"] for a in alerts] == [str(held), str(ordinary)]
    assert alerts[0]["safeguarding"] is True
    assert alerts[0]["target_hours"] == 4
    assert alerts[0]["lead_emails"] == ["lead@example.org"]


def erasure_requested(email: str | None = None) -> PersonErasureRequested:
    data = PersonErasureRequestedData(
        erasure_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        email_digest=email_digest(email, key=ERASURE_KEY) if email else None,
    )
    return PersonErasureRequested(producer="signups", correlation_id="c-3", data=data)


async def test_erasure_by_email_unpublishes_and_blanks_then_answers(world: World) -> None:
    published = (await stories.submit_story(command("one"), world.ctx)).story_id
    pending = (await stories.submit_story(command("two"), world.ctx)).story_id
    other = (
        await stories.submit_story(command("three", author_email="x@example.org"), world.ctx)
    ).story_id
    await decisions.approve(published, ANN, ctx=world.ctx)
    request = erasure_requested(email="ANN@example.org")

    assert await erasure.forget_author(request, world.ctx) == 2

    assert world.items.items[published].status is Status.ERASED
    assert world.items.items[published].story.author_email is None
    assert world.items.items[published].published_text is None
    assert (await world.items.published(theme=None, region=None, limit=10, offset=0))[1] == 0
    assert world.items.items[pending].status is Status.ERASED
    assert world.items.items[other].story.author_email == "x@example.org"
    assert world.answers.answered == [request]
    withdrawn = world.items.events[-1]
    assert [e.type for e in world.items.events].count("story.withdrawn") == 1
    assert withdrawn.type == "story.withdrawn"
    assert withdrawn.model_dump(mode="json")["data"] == {
        "story_id": str(published),
        "by": "erasure",
    }


async def test_erasure_without_an_email_is_answered_at_once(world: World) -> None:
    await stories.submit_story(command(), world.ctx)
    request = erasure_requested()

    assert await erasure.forget_author(request, world.ctx) == 0
    assert world.answers.answered == [request]


# Pledges


def pledge_made(text: str, *, name: str = "Riverside Kitchen") -> PledgeMade:
    return PledgeMade(
        producer="signups",
        correlation_id="p1",
        data=PledgeMadeData(
            pledge_id=uuid.uuid4(),
            organisation_id=uuid.uuid4(),
            organisation_name=name,
            text=text,
            categories=[Interest.FOOD_AND_MUTUAL_AID],
            outward_code="M1",
        ),
    )


async def test_a_pledge_joins_the_queue_once_screened_like_a_story(world: World) -> None:
    event = pledge_made("A monthly lunch. Ring Sam on 07700 900982 to help.")

    assert await pledges.receive_pledge(event, world.ctx)
    assert not await pledges.receive_pledge(event, world.ctx)

    item = world.items.items[event.data.pledge_id]
    assert (item.kind, item.title, item.region, item.status) == (
        Kind.PLEDGE,
        "Riverside Kitchen",
        "M1",
        Status.PENDING,
    )
    assert item.screening.flags == ("personal-data",)
    assert (
        item.screening.suggested_text
        == "A monthly lunch. Ring Sam on [phone number removed] to help."
    )
    assert [i.id for i in await world.items.queue(QueueFilter(), now=START)] == [item.id]
    assert world.items.events == [], "nothing is told until a moderator decides"


async def test_a_pledge_disclosing_harm_is_held_for_a_lead(world: World) -> None:
    event = pledge_made("We help anyone who wants to kill myself thoughts to find support.")
    await pledges.receive_pledge(event, world.ctx)

    item = world.items.items[event.data.pledge_id]
    assert item.status is Status.HELD
    with pytest.raises(LeadRequiredError):
        await decisions.approve(item.id, ANN, ctx=world.ctx)


async def test_an_approved_pledge_is_told_with_the_redacted_text(world: World) -> None:
    event = pledge_made("A monthly lunch. Ring Sam on 07700 900982 to help.")
    await pledges.receive_pledge(event, world.ctx)
    item = world.items.items[event.data.pledge_id]

    await decisions.approve(
        item.id,
        ANN,
        redacted_title=item.title,
        redacted_text=item.screening.suggested_text,
        ctx=world.ctx,
    )

    [approved] = world.items.events
    assert approved.type == "pledge.approved"
    assert approved.causation_id == event.id
    assert approved.model_dump(mode="json")["data"] == {
        "pledge_id": str(event.data.pledge_id),
        "organisation_id": str(event.data.organisation_id),
        "organisation_name": "Riverside Kitchen",
        "text": "A monthly lunch. Ring Sam on [phone number removed] to help.",
        "reason": None,
    }


async def test_a_rejected_pledge_is_told_with_its_reason_and_without_its_text(
    world: World,
) -> None:
    event = pledge_made("Buy our products at a discount!")
    await pledges.receive_pledge(event, world.ctx)

    await decisions.reject(event.data.pledge_id, ANN, reason=Reason.COMMERCIAL, ctx=world.ctx)

    [rejected] = world.items.events
    data = rejected.model_dump(mode="json")["data"]
    assert rejected.type == "pledge.rejected"
    assert (data["reason"], data["text"]) == ("commercial", "")


async def test_a_pledge_a_lead_takes_down_is_told_as_rejected_so_it_leaves_the_list(
    world: World,
) -> None:
    event = pledge_made("A monthly lunch for everyone.")
    await pledges.receive_pledge(event, world.ctx)
    await decisions.approve(event.data.pledge_id, ANN, ctx=world.ctx)

    await decisions.withdraw(event.data.pledge_id, LEAD, reason="not ours", ctx=world.ctx)

    [_, taken_down] = world.items.events
    data = taken_down.model_dump(mode="json")["data"]
    assert taken_down.type == "pledge.rejected"
    assert (data["pledge_id"], data["text"]) == (str(event.data.pledge_id), "")
    assert world.items.items[event.data.pledge_id].status is Status.WITHDRAWN


async def test_an_overdue_pledge_is_alerted_as_a_pledge(world: World) -> None:
    await pledges.receive_pledge(pledge_made("A monthly lunch."), world.ctx)

    world.clock.advance(hours=49)
    assert await backlog.alert_breaches(ctx=world.ctx) == 1

    [alert] = world.items.events
    assert alert.model_dump(mode="json")["data"]["kind"] == "pledge"
