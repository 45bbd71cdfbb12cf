"""Pledges on the real broker and store: `pledge.made` joins the queue screened like a story, a
moderator decides it, and the decision goes out as `pledge.approved` or `pledge.rejected`."""

import uuid
from typing import Any

import pytest
from moderation.domain.decisions import Moderator, Reason
from moderation.domain.items import Kind, Status
from moderation.domain.pledges import PledgeDetails
from moderation.domain.queue import QueueFilter
from moderation.domain.screening import Flag
from moderation.handlers import decisions
from together_contracts import (
    Interest,
    PledgeMade,
    PledgeMadeData,
    PledgeUpdateSubmitted,
    PledgeUpdateSubmittedData,
)
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Moderation

pytestmark = pytest.mark.integration

ANN = Moderator("ann")
DECISIONS = ["pledge.approved", "pledge.rejected"]


def pledge(text: str) -> PledgeMade:
    return PledgeMade(
        producer="signups",
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        data=PledgeMadeData(
            pledge_id=uuid.uuid4(),
            organisation_id=uuid.uuid4(),
            organisation_name="Riverside Kitchen",
            text=text,
            categories=[Interest.FOOD_AND_MUTUAL_AID],
            language="cy",
            outward_code="CF10",
        ),
    )


async def queued_pledges(moderation: Moderation) -> list[Any]:
    return await moderation.ctx.items.queue(QueueFilter(kind=Kind.PLEDGE), now=moderation.clock())


async def test_a_pledge_is_queued_flagged_and_approved_with_redactions(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    made = pledge("A monthly lunch for all.\nRing Sam on 07700 900982 to lend a hand.")
    async with event_probe(rabbitmq_url, DECISIONS) as probe:
        await publish_event(rabbitmq_url, made)
        await publish_event(rabbitmq_url, made)

        [item] = await eventually(lambda: queued_pledges(moderation), what="the pledge queued")
        assert item.id == made.data.pledge_id
        assert item.screening.flags == (Flag.PERSONAL_DATA,)
        assert [f.kind for f in item.screening.findings] == ["phone"]
        assert (item.title, item.region, item.language) == ("Riverside Kitchen", "CF10", "cy")
        assert item.details == PledgeDetails(
            organisation_id=str(made.data.organisation_id), categories=("food-and-mutual-aid",)
        )
        counts = await moderation.ctx.items.counts(QueueFilter(), now=moderation.clock())
        assert counts.by_kind["pledge"] == 1
        assert counts.by_flag["personal-data"] == 1

        await decisions.approve(
            item.id,
            ANN,
            redacted_title=item.title,
            redacted_text=item.screening.suggested_text,
            ctx=moderation.ctx,
        )
        [approved] = await probe.wait_for(1)

    assert approved["type"] == "pledge.approved"
    assert approved["causation_id"] == str(made.id)
    assert approved["data"] == {
        "pledge_id": str(made.data.pledge_id),
        "organisation_id": str(made.data.organisation_id),
        "organisation_name": "Riverside Kitchen",
        "text": "A monthly lunch for all.\nRing Sam on [phone number removed] to lend a hand.",
        "reason": None,
    }
    stored = await moderation.ctx.items.get(item.id)
    assert stored is not None
    assert stored.status is Status.APPROVED
    assert await moderation.db["items"].count_documents({}) == 1


async def test_a_rejected_pledge_is_told_without_its_text(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    made = pledge("Twenty per cent off our kitchens this week only.")
    async with event_probe(rabbitmq_url, DECISIONS) as probe:
        await publish_event(rabbitmq_url, made)
        [item] = await eventually(lambda: queued_pledges(moderation), what="the pledge queued")
        await decisions.reject(item.id, ANN, reason=Reason.COMMERCIAL, ctx=moderation.ctx)
        [rejected] = await probe.wait_for(1)

    assert rejected["type"] == "pledge.rejected"
    assert (rejected["data"]["reason"], rejected["data"]["text"]) == ("commercial", "")


def progress(text: str) -> PledgeUpdateSubmitted:
    return PledgeUpdateSubmitted(
        producer="signups",
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        data=PledgeUpdateSubmittedData(
            update_id=uuid.uuid4(),
            pledge_id=uuid.uuid4(),
            organisation_id=uuid.uuid4(),
            organisation_name="Riverside Kitchen",
            text=text,
        ),
    )


async def queued_updates(moderation: Moderation) -> list[Any]:
    found = QueueFilter(kind=Kind.PLEDGE_UPDATE)
    return await moderation.ctx.items.queue(found, now=moderation.clock())


async def test_progress_on_a_pledge_is_queued_as_its_own_kind_and_decided_like_a_pledge(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    first = progress("Six lunches so far. Ring Sam on 07700 900982 to help.")
    second = progress("Twenty per cent off our kitchens.")
    updates = ["pledge.update_approved", "pledge.update_rejected"]
    async with event_probe(rabbitmq_url, updates) as probe:
        await publish_event(rabbitmq_url, first)
        await publish_event(rabbitmq_url, first)
        await publish_event(rabbitmq_url, second)
        queued = await eventually(
            lambda: queued_updates(moderation), until=lambda q: len(q) == 2, what="queued"
        )
        item = next(i for i in queued if i.id == first.data.update_id)
        assert item.screening.flags == (Flag.PERSONAL_DATA,)
        assert item.details == PledgeDetails(
            organisation_id=str(first.data.organisation_id),
            pledge_id=str(first.data.pledge_id),
        )
        assert await queued_pledges(moderation) == []
        await decisions.approve(
            item.id,
            ANN,
            redacted_title=item.title,
            redacted_text=item.screening.suggested_text,
            ctx=moderation.ctx,
        )
        await decisions.reject(
            second.data.update_id, ANN, reason=Reason.COMMERCIAL, ctx=moderation.ctx
        )
        told = {event["type"]: event for event in await probe.wait_for(2)}

    approved = told["pledge.update_approved"]
    assert approved["causation_id"] == str(first.id)
    assert approved["data"] == {
        "update_id": str(first.data.update_id),
        "pledge_id": str(first.data.pledge_id),
        "organisation_id": str(first.data.organisation_id),
        "text": "Six lunches so far. Ring Sam on [phone number removed] to help.",
        "reason": None,
    }
    rejected = told["pledge.update_rejected"]["data"]
    assert (rejected["update_id"], rejected["text"], rejected["reason"]) == (
        str(second.data.update_id),
        "",
        "commercial",
    )
