"""Kind to volunteers: invitations wait out quiet hours and respect the weekly cap (fake clock),
and a redelivered invitation is never sent twice though no inbox is kept for it."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from notifications.bootstrap import create_app
from notifications.domain.policy import LONDON
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import VolunteerRegistered, VolunteerRegisteredData
from together_contracts.matches import EventSummary, MatchProposed, MatchProposedData
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

from .conftest import Clock, Sink, consumed, unique_address

pytestmark = pytest.mark.integration
Document = dict[str, Any]


def proposal(person_id: uuid.UUID, title: str) -> MatchProposed:
    starts = datetime(2026, 12, 12, 12, 0, tzinfo=UTC)
    return MatchProposed(
        producer="matching",
        correlation_id="kind",
        data=MatchProposedData(
            match_id=uuid.uuid4(),
            person_id=person_id,
            event=EventSummary(
                event_id=uuid.uuid4(),
                title=title,
                event_type="sport",  # type: ignore[arg-type]
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                outward_code="CF10",
            ),
            reasons=["near you"],
            reasons_text="near you",
            respond_url="https://m.example/r",
            accept_url="https://m.example/a",
            decline_url="https://m.example/d",
        ),
    )


async def volunteer(rabbitmq_url: str, sink: Sink) -> tuple[uuid.UUID, str]:
    address = unique_address("kind")
    person_id = uuid.uuid4()
    joined = VolunteerRegistered(
        producer="signups",
        correlation_id="kind",
        data=VolunteerRegisteredData(person_id=person_id, name="Nia", email=address),
    )
    await publish_event(rabbitmq_url, joined)
    await sink.wait_for(address)
    return person_id, address


async def logged(db: AsyncDatabase[Document], event: MatchProposed, **expected: Any) -> Document:
    async def look() -> Document | None:
        return await db["messages"].find_one({"cause_event_id": str(event.id), **expected})

    found = await eventually(look, what=f"invitation {expected}")
    assert found is not None
    return found


async def test_an_invitation_at_night_waits_for_eight_in_the_morning(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    clock = Clock(datetime(2026, 11, 25, 22, 30, tzinfo=LONDON))
    app = create_app(settings_for(), clock=clock)
    async with app.router.lifespan_context(app):
        person_id, address = await volunteer(rabbitmq_url, smtp_sink)
        invitation = proposal(person_id, "Night football")
        await publish_event(rabbitmq_url, invitation)

        waiting = await logged(inspector, invitation, status="queued")
        assert waiting["not_before"] == datetime(2026, 11, 26, 8, 0, tzinfo=LONDON).timestamp()
        clock.now = datetime(2026, 11, 26, 7, 59, tzinfo=LONDON)
        app.state.context.wake()
        await logged(inspector, invitation, status="queued")
        assert len(smtp_sink.handler.to(address)) == 1

        clock.now = datetime(2026, 11, 26, 8, 0, 1, tzinfo=LONDON)
        app.state.context.wake()
        mails = await smtp_sink.wait_for(address, 2)
        await logged(inspector, invitation, status="sent")

    assert "Night football" in mails[1]["Subject"]


async def test_weekly_cap_holds_further_invitations_until_next_week(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    clock = Clock(datetime(2026, 11, 25, 12, 0, tzinfo=LONDON))
    app = create_app(settings_for(weekly_invitation_cap=2), clock=clock)
    async with app.router.lifespan_context(app):
        person_id, address = await volunteer(rabbitmq_url, smtp_sink)
        invitations = [proposal(person_id, f"Match {n}") for n in range(3)]
        for invitation in invitations[:2]:
            await publish_event(rabbitmq_url, invitation)
            await logged(inspector, invitation, status="sent")
        await publish_event(rabbitmq_url, invitations[2])

        held = await logged(inspector, invitations[2], reason="weekly cap reached")
        assert held["status"] == "queued"
        assert held["not_before"] == datetime(2026, 11, 30, 8, 0, tzinfo=LONDON).timestamp()
        assert len(smtp_sink.handler.to(address)) == 3

        clock.now = datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
        app.state.context.wake()
        mails = await smtp_sink.wait_for(address, 4)
        await logged(inspector, invitations[2], status="sent")

    assert "Match 2" in mails[3]["Subject"]


async def test_a_redelivered_invitation_is_sent_once_and_counted_a_duplicate(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    """`match.proposed` is keyed by its event id (the message's key): no inbox record is kept,
    and the second delivery finds the invitation recorded."""
    clock = Clock(datetime(2026, 11, 25, 12, 0, tzinfo=LONDON))
    app = create_app(settings_for(), clock=clock)
    async with app.router.lifespan_context(app):
        person_id, address = await volunteer(rabbitmq_url, smtp_sink)
        invitation = proposal(person_id, "Park run")
        await publish_event(rabbitmq_url, invitation)
        await logged(inspector, invitation, status="sent")
        await publish_event(rabbitmq_url, invitation)

        async def duplicates() -> int:
            return consumed(app, "duplicate", queue="notifications.matches")

        await eventually(duplicates, until=lambda n: n >= 1, what="the redelivery handled")

        mails = smtp_sink.handler.to(address)
        assert [m["Subject"] for m in mails].count(mails[-1]["Subject"]) == 1
        assert "Park run" in mails[-1]["Subject"]
        assert len(mails) == 2  # the confirmation link, then the invitation
        recorded = {"cause_event_id": str(invitation.id)}
        assert await inspector["messages"].count_documents(recorded) == 1
        assert await inspector["inbox"].count_documents({"event_id": str(invitation.id)}) == 0
