"""A place by text, on the real broker and store, to the local SMS sink, on a test clock: the
booking, its reminders at their moments (also in the stricter quiet hours of texts), a change,
a cancellation (which cancels the reminders still waiting) and a no; the weekly cap counted per
number; a digest reader's invitations in the email digest only; subject access shows the number."""

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from notifications.bootstrap import create_app
from notifications.domain.policy import LONDON
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import (
    PersonAccessRequested,
    PersonAccessRequestedData,
    email_digest,
)
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
from together_kit.dev.smssink import SmsSink
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Clock, Document
from .test_texts_out import Texts, local_sink, proposal, sms_settings, volunteer

pytestmark = pytest.mark.integration
WEDNESDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=LONDON)
SATURDAY_NOON = datetime(2026, 12, 5, 12, 0, tzinfo=LONDON)
RESPOND = "https://events.together.example/r/place-token"


def lunch(starts: datetime = SATURDAY_NOON) -> EventSummary:
    return EventSummary(
        event_id=uuid.uuid4(),
        title="Riverside lunch",
        event_type="food-and-mutual-aid",  # type: ignore[arg-type]
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        outward_code="CF10",
    )


def booked(person_id: uuid.UUID, event: EventSummary) -> MatchAccepted:
    return MatchAccepted(
        producer="matching",
        correlation_id="place-texts",
        data=MatchAcceptedData(
            match_id=uuid.uuid4(),
            person_id=person_id,
            event=event,
            outcome="accepted",
            respond_url=RESPOND,
        ),
    )


@pytest.fixture
def sms_sink(tmp_path: Path) -> Iterator[SmsSink]:
    with local_sink(tmp_path / "sms") as sink:
        yield sink


async def texts_app(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    sms_sink: SmsSink,
    **overrides: Any,
) -> Texts:
    clock = Clock(WEDNESDAY_NOON)
    app = create_app(sms_settings(settings_for, sms_sink, **overrides), clock=clock)
    return Texts(app, inspector, sms_sink, clock)


async def test_a_place_by_text_its_reminders_a_change_and_a_cancellation(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    sms_sink: SmsSink,
    rabbitmq_url: str,
) -> None:
    texts = await texts_app(settings_for, inspector, sms_sink)
    async with texts.app.router.lifespan_context(texts.app):
        person_id, _, phone = await volunteer(rabbitmq_url, texts.db, channels=["sms"])
        event = lunch()
        place = booked(person_id, event)
        await publish_event(rabbitmq_url, place)
        [booking] = await texts.wait_for(phone)
        waiting = await texts.logged(str(place.id), "sms", template="reminder_day_before")
        assert waiting["status"] == "queued"
        assert waiting["not_before"] == datetime(2026, 12, 4, 10, 0, tzinfo=LONDON).timestamp()

        texts.clock.now = datetime(2026, 12, 4, 10, 0, 1, tzinfo=LONDON)
        texts.ctx.wake()
        [_, day_before] = await texts.wait_for(phone, 2)

        moved = event.model_copy(update={"starts_at": SATURDAY_NOON + timedelta(hours=2)})
        change = EventChanged(
            producer="matching",
            correlation_id="place-texts",
            data=EventChangedData(
                event=moved, changes=["starts_at"], was=event, accepted=[person_id]
            ),
        )
        await publish_event(rabbitmq_url, change)
        [*_, changed] = await texts.wait_for(phone, 3)

        cancelled = EventCancelled(
            producer="matching",
            correlation_id="place-texts",
            data=EventCancelledData(event=moved, accepted=[person_id]),
        )
        await publish_event(rabbitmq_url, cancelled)
        [*_, cancellation] = await texts.wait_for(phone, 4)
        morning = await texts.logged(str(change.id), "sms", template="reminder_morning")

    assert booking.body.startswith("together: your place at Riverside lunch is booked, Saturday")
    assert "Can't go? http://notifications.test/s/" in booking.body
    assert day_before.body.startswith("together reminder: Riverside lunch is tomorrow")
    assert changed.body.startswith("together: Riverside lunch has changed. New time: Saturday")
    assert "14:00" in changed.body
    assert cancellation.body.startswith("together: sorry, Riverside lunch")
    assert (morning["status"], morning["reason"]) == ("cancelled", "event cancelled")
    assert all(text.segments <= 2 for text in sms_sink.texts_to(phone))


async def test_a_no_is_confirmed_by_text_and_a_text_reminder_keeps_its_moment_at_night(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    sms_sink: SmsSink,
    rabbitmq_url: str,
) -> None:
    texts = await texts_app(settings_for, inspector, sms_sink, reminder_morning_at="07:00")
    async with texts.app.router.lifespan_context(texts.app):
        person_id, _, phone = await volunteer(rabbitmq_url, texts.db, channels=["sms"])
        event = lunch()
        place = booked(person_id, event)
        await publish_event(rabbitmq_url, place)
        await texts.wait_for(phone)
        texts.clock.now = datetime(2026, 12, 5, 7, 0, 1, tzinfo=LONDON)  # quiet for invitations
        texts.ctx.wake()
        [_, _, morning] = await texts.wait_for(phone, 3)

        no = MatchDeclined(
            producer="matching",
            correlation_id="place-texts",
            data=MatchDeclinedData(
                match_id=place.data.match_id,
                person_id=person_id,
                event_id=event.event_id,
                withdrawn=True,
            ),
        )
        await publish_event(rabbitmq_url, no)
        [*_, given_up] = await texts.wait_for(phone, 4)

    assert morning.body.startswith("together reminder: Riverside lunch is today")
    assert given_up.body.startswith("together: you have given up your place.")


async def test_the_weekly_cap_counts_texts_per_number(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    sms_sink: SmsSink,
    rabbitmq_url: str,
) -> None:
    texts = await texts_app(settings_for, inspector, sms_sink, weekly_invitation_cap=1)
    async with texts.app.router.lifespan_context(texts.app):
        person_id, _, phone = await volunteer(rabbitmq_url, texts.db, channels=["email", "sms"])
        first, second = proposal(person_id, "First"), proposal(person_id, "Second")
        await publish_event(rabbitmq_url, first)
        await texts.logged(str(first.id), "sms", status="sent")
        await texts.logged(str(first.id), "email", status="sent")
        await publish_event(rabbitmq_url, second)
        held = await texts.logged(str(second.id), "sms", reason="weekly cap reached")
        by_email = await texts.logged(str(second.id), "email", reason="weekly cap reached")

    assert held["status"] == by_email["status"] == "queued"
    assert held["not_before"] == datetime(2026, 11, 30, 9, 0, tzinfo=LONDON).timestamp()
    assert by_email["not_before"] == datetime(2026, 11, 30, 8, 0, tzinfo=LONDON).timestamp()
    assert len(sms_sink.texts_to(phone)) == 1


async def test_a_digest_reader_gets_invitations_in_the_email_digest_only(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    sms_sink: SmsSink,
    rabbitmq_url: str,
) -> None:
    texts = await texts_app(settings_for, inspector, sms_sink)
    async with texts.app.router.lifespan_context(texts.app):
        person_id, _, phone = await volunteer(rabbitmq_url, texts.db, channels=["email", "sms"])
        assert await texts.ctx.contacts.set_digest(str(person_id), digest=True)
        invitation = proposal(person_id)
        await publish_event(rabbitmq_url, invitation)
        held = await texts.logged(str(invitation.id), "email", status="digest")
        count = await texts.db["messages"].count_documents({"cause_event_id": str(invitation.id)})

    assert held["template"] == "match_invitation"
    assert count == 1
    assert sms_sink.texts_to(phone) == []


async def test_subject_access_shows_the_number_and_the_choice(
    settings_for: Callable[..., Settings],
    inspector: AsyncDatabase[Document],
    sms_sink: SmsSink,
    rabbitmq_url: str,
) -> None:
    texts = await texts_app(settings_for, inspector, sms_sink)
    async with texts.app.router.lifespan_context(texts.app):
        person_id, address, phone = await volunteer(
            rabbitmq_url, texts.db, channels=["email", "sms"]
        )
        request = PersonAccessRequested(
            producer="signups",
            correlation_id="access-texts",
            data=PersonAccessRequestedData(
                access_id=uuid.uuid4(),
                person_id=person_id,
                email_digest=email_digest(address, key=texts.ctx.erasure_key),
            ),
        )
        async with event_probe(rabbitmq_url, ["person.access_answered"]) as probe:
            await publish_event(rabbitmq_url, request)
            access_id = str(request.data.access_id)

            async def answers() -> list[dict[str, Any]]:
                return [e for e in probe.events if e["data"].get("access_id") == access_id]

            [answer] = await eventually(answers, until=bool, what="notifications' answer")

    held = answer["data"]["held"]["contact"]
    assert (held["phone"], held["channels"]) == (phone, ["email", "sms"])
