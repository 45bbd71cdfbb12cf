"""Reminders of an accepted place, from the real broker to a real SMTP server, on a test clock:
the day before and the morning of; cancelled when the place is given up or the event cancelled;
scheduled afresh when the event moves; sent in quiet hours and past the weekly cap."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from notifications.bootstrap import create_app
from notifications.domain.policy import LONDON
from notifications.handlers import sending
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import PersonErasureRequested, PersonErasureRequestedData
from together_contracts.matches import (
    EventCancelled,
    EventCancelledData,
    EventChanged,
    EventChangedData,
    EventSummary,
    MatchAccepted,
    MatchAcceptedData,
    MatchDeclined,
    MatchDeclinedData,
)
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

from .conftest import Clock, Sink, bodies, join

pytestmark = pytest.mark.integration
Document = dict[str, Any]
RESPOND = "https://matching.example/r/place-token"


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


WEDNESDAY_NOON = london(2026, 11, 25, 12, 0)
SATURDAY_NOON = london(2026, 12, 5, 12, 0)


def community_event(
    starts: datetime = SATURDAY_NOON, title: str = "Riverside lunch"
) -> EventSummary:
    return EventSummary(
        event_id=uuid.uuid4(),
        title=title,
        event_type="food-and-mutual-aid",  # type: ignore[arg-type]
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        outward_code="CF10",
    )


def accepted(person_id: uuid.UUID, event: EventSummary, **fields: Any) -> MatchAccepted:
    data = {"outcome": "accepted", "respond_url": RESPOND, **fields}
    return MatchAccepted(
        producer="matching",
        correlation_id="reminders",
        data=MatchAcceptedData(match_id=uuid.uuid4(), person_id=person_id, event=event, **data),
    )


async def reminders(
    db: AsyncDatabase[Document], person_id: uuid.UUID, **query: Any
) -> list[Document]:
    found = db["messages"].find({"person_id": str(person_id), "kind": "reminder", **query})
    return sorted([d async for d in found], key=lambda d: d["not_before"])


async def wait_reminders(
    db: AsyncDatabase[Document], person_id: uuid.UUID, count: int, **query: Any
) -> list[Document]:
    return await eventually(
        lambda: reminders(db, person_id, **query),
        until=lambda found: len(found) == count,
        what=f"{count} reminders {query}",
    )


async def nothing_due(app: FastAPI) -> None:
    assert await sending.dispatch_due(app.state.context) == 0


@dataclass
class Placed:
    """A volunteer with an accepted place at `event`, both reminders queued, in a running app."""

    app: FastAPI
    clock: Clock
    person_id: uuid.UUID
    address: str
    event: EventSummary
    place: MatchAccepted
    inspector: AsyncDatabase[Document]
    sink: Sink
    rabbitmq_url: str

    async def publish(self, event: Any) -> None:
        await publish_event(self.rabbitmq_url, event)

    async def reminders(self, count: int = 2, **query: Any) -> list[Document]:
        return await wait_reminders(self.inspector, self.person_id, count, **query)

    async def nothing_due_on_the_day(self) -> None:
        self.clock.now = london(2026, 12, 5, 9, 0)
        await nothing_due(self.app)

    def mails(self) -> list[Any]:
        return self.sink.handler.to(self.address)


APlace = Callable[[], AbstractAsyncContextManager[Placed]]


@pytest.fixture
def a_place(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> APlace:
    """Runs the app on a clock at Wednesday noon; a volunteer joins and accepts a place."""

    @asynccontextmanager
    async def placed() -> AsyncIterator[Placed]:
        clock = Clock(WEDNESDAY_NOON)
        app = create_app(settings_for(), clock=clock)
        async with app.router.lifespan_context(app):
            person_id, address, _ = await join(rabbitmq_url, smtp_sink)
            event = community_event()
            place = accepted(person_id, event)
            await publish_event(rabbitmq_url, place)
            await wait_reminders(inspector, person_id, 2, status="queued")
            yield Placed(
                app, clock, person_id, address, event, place, inspector, smtp_sink, rabbitmq_url
            )

    return placed


@pytest.mark.parametrize(
    ("language", "tomorrow", "today"), [("en", "Tomorrow", "Today"), ("cy", "Yfory", "Heddiw")]
)
async def test_a_place_is_reminded_the_day_before_and_the_morning_of(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
    language: str,
    tomorrow: str,
    today: str,
) -> None:
    clock = Clock(WEDNESDAY_NOON)
    app = create_app(settings_for(), clock=clock)
    async with app.router.lifespan_context(app):
        person_id, address, _ = await join(rabbitmq_url, smtp_sink, language=language)
        place = accepted(person_id, community_event())
        for _ in range(2):  # redelivered: still one reminder of each kind
            await publish_event(rabbitmq_url, place)
        await smtp_sink.wait_for(address, 2)

        day_before, morning = await wait_reminders(inspector, person_id, 2, status="queued")
        assert day_before["template"] == "reminder_day_before"
        assert day_before["not_before"] == london(2026, 12, 4, 10, 0).timestamp()
        assert morning["template"] == "reminder_morning"
        assert morning["not_before"] == london(2026, 12, 5, 8, 0).timestamp()

        clock.now = london(2026, 12, 4, 9, 59)
        await nothing_due(app)
        clock.now = london(2026, 12, 4, 10, 0)
        app.state.context.wake()
        first = (await smtp_sink.wait_for(address, 3))[2]
        clock.now = london(2026, 12, 5, 8, 0)
        app.state.context.wake()
        second = (await smtp_sink.wait_for(address, 4))[3]
        await wait_reminders(inspector, person_id, 2, status="sent")
        await nothing_due(app)

    assert first["Subject"] == f"{tomorrow}: Riverside lunch"
    assert second["Subject"] == f"{today}: Riverside lunch"
    for mail in (first, second):
        text, html = bodies(mail)
        assert mail["Content-Language"] == language
        assert "12:00" in text
        assert RESPOND in text
        assert f'href="{RESPOND}"' in html
        assert mail["List-Unsubscribe"]
    assert len(smtp_sink.handler.to(address)) == 4


async def test_reminders_go_in_quiet_hours_and_past_the_weekly_cap(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    """Asked for by accepting: a 07:00 reminder goes at 07:00, and the cap counts invitations."""
    clock = Clock(WEDNESDAY_NOON)
    settings = settings_for(weekly_invitation_cap=0, reminder_morning_at=time(7, 0))
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        person_id, address, _ = await join(rabbitmq_url, smtp_sink)
        await publish_event(
            rabbitmq_url, accepted(person_id, community_event(london(2026, 12, 2, 9, 0)))
        )
        _, morning = await wait_reminders(inspector, person_id, 2)
        assert morning["not_before"] == london(2026, 12, 2, 7, 0).timestamp()

        clock.now = london(2026, 12, 2, 7, 0)
        app.state.context.wake()
        await smtp_sink.wait_for(address, 4)
        await wait_reminders(inspector, person_id, 2, status="sent")


async def test_giving_the_place_up_cancels_its_reminders(a_place: APlace) -> None:
    async with a_place() as placed:
        given_up = MatchDeclined(
            producer="matching",
            correlation_id="reminders",
            data=MatchDeclinedData(
                match_id=placed.place.data.match_id,
                person_id=placed.person_id,
                event_id=placed.event.event_id,
                withdrawn=True,
            ),
        )
        await placed.publish(given_up)
        cancelled = await placed.reminders(status="cancelled")
        assert {d["reason"] for d in cancelled} == {"place given up"}
        await placed.nothing_due_on_the_day()
    assert len(placed.mails()) == 2


async def test_a_cancelled_event_cancels_reminders_and_says_so(a_place: APlace) -> None:
    async with a_place() as placed:
        called_off = EventCancelled(
            producer="matching",
            correlation_id="reminders",
            data=EventCancelledData(event=placed.event, accepted=[placed.person_id]),
        )
        await placed.publish(called_off)
        cancelled = await placed.reminders(status="cancelled")
        assert {d["reason"] for d in cancelled} == {"event cancelled"}
        notice = (await placed.sink.wait_for(placed.address, 3))[2]
        await placed.nothing_due_on_the_day()
    assert "Riverside lunch" in notice["Subject"]
    assert len(placed.mails()) == 3


async def test_a_moved_event_moves_its_reminders(a_place: APlace) -> None:
    async with a_place() as placed:
        later = london(2026, 12, 12, 14, 30)
        moved = EventChanged(
            producer="matching",
            correlation_id="reminders",
            data=EventChangedData(
                event=placed.event.model_copy(update={"starts_at": later, "ends_at": later}),
                changes=["starts_at", "ends_at"],
                accepted=[placed.person_id],
            ),
        )
        for _ in range(2):  # redelivered: the new reminders stay
            await placed.publish(moved)
        await placed.sink.wait_for(placed.address, 3)  # the change notice
        old = await placed.reminders(status="cancelled")
        assert all(d["reason"].startswith("rescheduled") for d in old)
        new = await placed.reminders(status="queued")
        assert [d["cause_event_id"] for d in new] == [str(moved.id)] * 2
        assert [d["not_before"] for d in new] == [
            london(2026, 12, 11, 10, 0).timestamp(),
            london(2026, 12, 12, 8, 0).timestamp(),
        ]

        await placed.nothing_due_on_the_day()
        placed.clock.now = london(2026, 12, 11, 10, 0)
        placed.app.state.context.wake()
        reminder = (await placed.sink.wait_for(placed.address, 4))[3]

    text, html = bodies(reminder)
    assert "14:30" in text
    assert RESPOND in text
    assert f'href="{RESPOND}"' in html


async def test_a_waitlist_spot_has_no_reminders_until_a_place_opens(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    smtp_sink: Sink,
    rabbitmq_url: str,
) -> None:
    clock = Clock(WEDNESDAY_NOON)
    app = create_app(settings_for(), clock=clock)
    async with app.router.lifespan_context(app):
        person_id, address, _ = await join(rabbitmq_url, smtp_sink)
        event = community_event()
        waiting = accepted(person_id, event, outcome="waitlisted", waitlist_position=1)
        await publish_event(rabbitmq_url, waiting)
        await smtp_sink.wait_for(address, 2)
        assert await reminders(inspector, person_id) == []

        clock.now = london(2026, 12, 4, 11, 0)  # after the day-before moment
        opened = accepted(person_id, event, from_waitlist=True)
        await publish_event(rabbitmq_url, opened)
        [morning] = await wait_reminders(inspector, person_id, 1)
    assert morning["template"] == "reminder_morning"
    assert morning["cause_event_id"] == str(opened.id)


async def test_an_erased_person_is_not_reminded(a_place: APlace) -> None:
    async with a_place() as placed:
        erase = PersonErasureRequested(
            producer="signups",
            correlation_id="reminders",
            data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), person_id=placed.person_id),
        )
        await placed.publish(erase)
        cancelled = await placed.reminders(status="cancelled")
        await placed.nothing_due_on_the_day()
    assert {(d["reason"], d["recipient"]) for d in cancelled} == {("person erased", "")}
    assert len(placed.mails()) == 2
