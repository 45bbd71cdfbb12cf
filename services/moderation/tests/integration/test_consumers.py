"""What moderation consumes, on the real broker: listings from matching, erasure requests."""

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moderation.domain.decisions import Moderator, PersonalDataFlaggedError
from moderation.domain.items import Kind
from moderation.domain.queue import QueueFilter
from moderation.entrypoints.schemas import STORY_EXAMPLE
from moderation.handlers import decisions, erasure
from together_contracts import (
    EventSubmitted,
    EventSubmittedData,
    Interest,
    PersonAccessRequested,
    PersonAccessRequestedData,
    PersonErasureRequested,
    PersonErasureRequestedData,
    StoryApproved,
    StoryOutcomeData,
    email_digest,
)
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Moderation

pytestmark = pytest.mark.integration

ANN = Moderator("ann")


def listing(description: str = "Soup and chat for everyone on the estate.") -> EventSubmitted:
    starts = datetime.now(UTC) + timedelta(days=5)
    return EventSubmitted(
        producer="matching",
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        data=EventSubmittedData(
            event_id=uuid.uuid4(),
            title="Community lunch",
            description=description,
            event_type=Interest.FOOD_AND_MUTUAL_AID,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            outward_code="M1",
            places=6,
        ),
    )


def erasure_of(address: str, moderation: Moderation) -> PersonErasureRequested:
    """Signups' request to forget whoever wrote from `address` (named by its keyed digest)."""
    key = moderation.settings.erasure_digest_key
    return PersonErasureRequested(
        producer="signups",
        correlation_id="test-erasure",
        data=PersonErasureRequestedData(
            erasure_id=uuid.uuid4(), email_digest=email_digest(address, key=key)
        ),
    )


async def test_a_listing_is_queued_screened_and_approved(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    submitted = listing("Lunch at 12 Oxford Road. Details at https://lunch.example.org")
    event_id = str(submitted.data.event_id)
    async with event_probe(rabbitmq_url, ["listing.*"]) as probe:
        await publish_event(rabbitmq_url, submitted)
        await publish_event(rabbitmq_url, submitted)

        async def queued() -> list[Any]:
            return await moderation.ctx.items.queue(
                QueueFilter(kind=Kind.LISTING), now=moderation.clock()
            )

        [item] = await eventually(queued, what="the listing in the queue")
        assert str(item.id) == event_id
        assert item.screening.flags == ("personal-data", "link")
        with pytest.raises(PersonalDataFlaggedError):
            await decisions.approve(item.id, ANN, ctx=moderation.ctx)
        why = "The address is the venue's."
        await decisions.approve(item.id, ANN, ctx=moderation.ctx, override=why)
        [approved] = await probe.wait_for(1)
    assert approved["type"] == "listing.approved"
    assert approved["data"] == {"event_id": event_id, "reason": None}
    assert approved["causation_id"] == str(submitted.id)
    assert await moderation.db["items"].count_documents({}) == 1


async def test_a_changed_text_of_an_approved_listing_is_reviewed_again(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    """Matching sends the listing again when its organiser changed the text: a new review."""
    first = listing()
    event_id = first.data.event_id
    changed_text = "Soup, bread and a chat; bring a friend."
    second = first.model_copy(
        update={
            "id": uuid.uuid4(),
            "data": first.data.model_copy(update={"description": changed_text}),
        }
    )

    async def queued() -> list[Any]:
        return await moderation.ctx.items.queue(
            QueueFilter(kind=Kind.LISTING), now=moderation.clock()
        )

    async with event_probe(rabbitmq_url, ["listing.*"]) as probe:
        await publish_event(rabbitmq_url, first)
        [item] = await eventually(queued, what="the listing in the queue")
        await decisions.approve(item.id, ANN, ctx=moderation.ctx)
        await probe.wait_for(1)
        assert await queued() == []

        await publish_event(rabbitmq_url, second)
        await publish_event(rabbitmq_url, second)
        [again] = await eventually(queued, what="the changed listing back in the queue")
        assert (again.id, again.text) == (event_id, changed_text)
        await decisions.approve(again.id, ANN, ctx=moderation.ctx)
        approvals = await probe.wait_for(2)
    assert [a["type"] for a in approvals] == ["listing.approved", "listing.approved"]
    assert approvals[1]["causation_id"] == str(second.id)
    assert await moderation.db["items"].count_documents({}) == 1


async def test_an_erasure_request_is_answered(moderation: Moderation, rabbitmq_url: str) -> None:
    request = PersonErasureRequested(
        producer="signups",
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), person_id=uuid.uuid4()),
    )
    async with event_probe(rabbitmq_url, ["person.erased"]) as probe:
        await publish_event(rabbitmq_url, request)
        await publish_event(rabbitmq_url, request)
        [erased] = await probe.wait_for(1)

        async def answers() -> int:
            return await moderation.db["erasures"].count_documents({})

        await eventually(answers, what="the answer recorded")
    assert erased["data"] == {
        "erasure_id": str(request.data.erasure_id),
        "person_id": str(request.data.person_id),
        "service": "moderation",
    }
    assert erased["causation_id"] == str(request.id)
    assert len(probe.events) == 1


async def test_erasure_by_email_unpublishes_and_blanks_the_authors_story(
    moderation: Moderation,
) -> None:
    """Through the handler: the request carries the keyed digest of the author email, never the
    address. The published story leaves the API and /stories, and only what the audit needs stays.

    The approval's events are let go first, so this looks at the item's own fields; events still
    pending at the erasure are the next test's."""
    story = {**STORY_EXAMPLE, "text": STORY_EXAMPLE["text"] + " Ring Ann on 07700 900982."}
    created = await moderation.http.post("/api/v1/stories", json=story)
    story_id = uuid.UUID(created.json()["id"])
    await decisions.approve(
        story_id, ANN, ctx=moderation.ctx, redacted_text=STORY_EXAMPLE["text"], note="no phone"
    )
    assert (await moderation.http.get(f"/api/v1/stories/{story_id}")).status_code == 200
    assert STORY_EXAMPLE["title"] in (await moderation.http.get("/stories")).text
    relay = moderation.app.state.runtime.relay
    await eventually(relay.backlog, until=lambda n: n == 0, what="the approval's events sent")
    request = erasure_of("ANN@example.org ", moderation)

    assert await erasure.forget_author(request, moderation.ctx) == 1

    stored = await moderation.db["items"].find_one({"_id": str(story_id)})
    assert stored is not None
    assert stored["status"] == "erased"
    assert (stored["title"], stored["text"]) == ("", "")
    assert (stored["published_title"], stored["published_text"]) == (None, None)
    assert (stored["author_name"], stored["author_email"]) == (None, None)
    assert stored["screening"]["findings"] == []
    [decision] = stored["decisions"]
    assert (decision["before"], decision["after"], decision["note"]) == (None, None, "")
    assert (decision["action"], decision["moderator"]) == ("approve-with-redactions", ANN.name)
    everything = str(await moderation.db["items"].find().to_list()).lower()
    for personal in ("ann from splott", "ann@example.org", "07700 900982", "doorsteps"):
        assert personal not in everything
    assert (await moderation.http.get(f"/api/v1/stories/{story_id}")).status_code == 404
    assert STORY_EXAMPLE["title"] not in (await moderation.http.get("/stories")).text
    assert (await moderation.http.get(f"/stories/{story_id}")).status_code == 404
    [tombstone] = await moderation.db["erasures"].find().to_list()
    assert tombstone["email_digest"] == request.data.email_digest
    assert "ann" not in str(tombstone).lower()


async def test_erasure_reaches_the_events_the_story_has_not_published_yet(
    moderation: Moderation,
) -> None:
    """The approval's `story.approved` (title, author's name and email) is still in the item's
    outbox, held by another replica that cannot reach the broker, when the erasure comes: it is
    dropped, and only the erasure's own `story.withdrawn` is left to publish."""
    created = await moderation.http.post("/api/v1/stories", json=STORY_EXAMPLE)
    story_id = uuid.UUID(created.json()["id"])
    await decisions.approve(story_id, ANN, ctx=moderation.ctx)
    relay = moderation.app.state.runtime.relay
    await eventually(relay.backlog, until=lambda n: n == 0, what="the approval's events sent")
    items = moderation.db["items"]
    stored = await items.find_one({"_id": str(story_id)})
    assert stored is not None
    unsent = StoryApproved(
        producer="moderation",
        correlation_id="test-unsent",
        data=StoryOutcomeData(
            story_id=story_id,
            title=STORY_EXAMPLE["title"],
            author_email=STORY_EXAMPLE["email"],
            author_name=STORY_EXAMPLE["name"],
        ),
    ).model_dump(mode="json")
    held_elsewhere = {
        **stored,
        "version": stored["version"] + 1,
        "outbox": [unsent],
        "outbox_pending": 1,
        "outbox_lease_owner": "replica-b",
        "outbox_lease_until": time.time() + 3600,
    }
    await items.replace_one({"_id": str(story_id)}, held_elsewhere)
    request = erasure_of("ann@example.org", moderation)

    assert await erasure.forget_author(request, moderation.ctx) == 1

    erased = await items.find_one({"_id": str(story_id)})
    assert erased is not None
    assert [event["type"] for event in erased["outbox"]] == ["story.withdrawn"]
    assert erased["outbox_pending"] == 1
    everything = str(erased).lower()
    for personal in ("ann from splott", "ann@example.org", "street choir"):
        assert personal not in everything


async def test_an_access_request_is_answered_with_the_authors_stories(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    created = await moderation.http.post("/api/v1/stories", json=STORY_EXAMPLE)
    other = await moderation.http.post(
        "/api/v1/stories", json={**STORY_EXAMPLE, "email": "someone@example.org"}
    )
    key = moderation.settings.erasure_digest_key
    request = PersonAccessRequested(
        producer="signups",
        correlation_id="access",
        data=PersonAccessRequestedData(
            access_id=uuid.uuid4(), email_digest=email_digest("ann@example.org", key=key)
        ),
    )
    async with event_probe(rabbitmq_url, ["person.access_answered"]) as probe:
        await publish_event(rabbitmq_url, request)
        await publish_event(rabbitmq_url, request.model_copy(update={"id": uuid.uuid4()}))
        [answer] = await probe.wait_for(1)

        async def answered() -> int:
            return await moderation.db["access_answers"].count_documents({})

        await eventually(answered, what="the answer recorded")
        await eventually(
            lambda: moderation.db["inbox"].count_documents({"type": "person.access_requested"}),
            until=lambda n: n == 2,
            what="the repeat handled",
        )
    assert answer["data"]["service"] == "moderation"
    [story] = answer["data"]["held"]["stories"]
    assert story["id"] == created.json()["id"] != other.json()["id"]
    assert (story["author_email"], story["title"]) == ("ann@example.org", STORY_EXAMPLE["title"])
    assert len(probe.events) == 1
    relay = moderation.app.state.runtime.relay  # the answer leaves its outbox once published
    await eventually(relay.backlog, until=lambda n: n == 0, what="the answer's event removed")
    [kept] = await moderation.db["access_answers"].find().to_list()
    assert "ann" not in str(kept).lower()
    [read] = await moderation.db["security_log"].find({"action": "personal-data-read"}).to_list()
    assert (read["actor"], read["target_id"], read["outcome"]) == (
        "admin",
        str(request.data.access_id),
        "success",
    )
    assert "ann" not in str(read).lower()


async def test_a_story_stored_before_the_keyed_digest_is_found_after_start_up(
    moderation: Moderation,
) -> None:
    """Stories kept with the plain SHA-256 of before get the keyed digest when the service starts
    (`ensure_indexes`), so an erasure finds them."""
    created = await moderation.http.post("/api/v1/stories", json=STORY_EXAMPLE)
    story_id = created.json()["id"]
    await moderation.db["items"].update_one(
        {"_id": story_id},
        {"$unset": {"author_email_digest": ""}, "$set": {"author_email_sha256": "ab" * 32}},
    )
    request = erasure_of("ann@example.org", moderation)
    assert await erasure.forget_author(request, moderation.ctx) == 0

    await moderation.ctx.items.ensure_indexes()  # type: ignore[attr-defined]

    assert await erasure.forget_author(request, moderation.ctx) == 1
    stored = await moderation.db["items"].find_one({"_id": story_id})
    assert stored is not None
    assert (stored["status"], stored["author_email"]) == ("erased", None)
