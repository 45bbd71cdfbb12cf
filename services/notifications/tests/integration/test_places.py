"""What a volunteer with a place is told, from matching's events on the real broker to a real SMTP
server: where in full, when in UK time and whom to ask; what changed (once, whatever is
redelivered) with reminders moved; the organiser's messages; a thank-you for coming; a sign-in
link. Each email links to "My together"."""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from notifications.bootstrap import create_app
from notifications.domain.policy import LONDON
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import IntegrationEvent
from together_contracts.matches import (
    AttendanceRecorded,
    AttendanceRecordedData,
    EventChanged,
    EventChangedData,
    EventSummary,
    EventVenue,
    MatchAccepted,
    MatchAcceptedData,
    OrganiserContact,
)
from together_contracts.organising import EventMessagePosted, EventMessagePostedData
from together_contracts.sessions import SignInRequested, SignInRequestedData
from together_kit.testing.probe import publish_event
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import Clock, Sink, bodies, join

pytestmark = pytest.mark.integration
Document = dict[str, Any]
RESPOND = "https://matching.example/r/place-token"
MY = "http://signups.test/my"
WEDNESDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=LONDON)
SATURDAY_NOON = datetime(2026, 12, 5, 12, 0, tzinfo=LONDON)
VENUE = EventVenue(
    name="Riverside Community Centre",
    address_lines=["12 Mill Lane", "Grangetown"],
    town="Cardiff",
    postcode="CF10 1AE",
    arrival_notes="Side door, ring the bell",
    accessibility="Step-free; accessible toilet",
)
SAM = OrganiserContact(first_name="Sam", email="sam.organiser@example.org", phone="029 2000 0000")


def community_event(title: str, starts: datetime = SATURDAY_NOON) -> EventSummary:
    return EventSummary(
        event_id=uuid.uuid4(),
        title=title,
        event_type="food-and-mutual-aid",  # type: ignore[arg-type]
        starts_at=starts,
        ends_at=starts + timedelta(hours=2, minutes=30),
        outward_code="CF10",
    )


def accepted(person_id: uuid.UUID, event: EventSummary, **fields: Any) -> MatchAccepted:
    data = {"outcome": "accepted", "respond_url": RESPOND, **fields}
    return MatchAccepted(
        producer="matching",
        correlation_id="places",
        data=MatchAcceptedData(match_id=uuid.uuid4(), person_id=person_id, event=event, **data),
    )


@pytest.fixture
def settings(settings_for: Callable[..., Settings]) -> Settings:
    return settings_for(
        signups_public_url="http://signups.test",
        moderation_public_url="http://moderation.test",
    )


async def processed(db: AsyncDatabase[Document], event: IntegrationEvent) -> None:
    """The event was handled (its inbox record is written after the handler succeeded)."""
    await eventually(
        lambda: db["inbox"].count_documents({"event_id": str(event.id)}),
        until=lambda count: count >= 1,
        what=f"inbox record of {event.type}",
    )


async def test_a_place_gives_the_full_venue_uk_time_and_the_organiser(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    title = f"Riverside lunch {unique_tag()}"
    app = create_app(settings, clock=lambda: WEDNESDAY_NOON)
    async with app.router.lifespan_context(app):
        person_id, address, _ = await join(rabbitmq_url, smtp_sink, name="Nia")
        event = community_event(title)
        await publish_event(rabbitmq_url, accepted(person_id, event, venue=VENUE, organiser=SAM))
        mail = (await smtp_sink.wait_for(address, 2))[1]

    text, html = bodies(mail)
    assert mail["Subject"] == f"Your place is booked: {title}"
    for part in (text, html):
        for line in ("Riverside Community Centre", "12 Mill Lane", "Grangetown", "Cardiff"):
            assert line in part
        assert "CF10 1AE" in part
        assert "Side door, ring the bell" in part
        assert "Step-free; accessible toilet" in part
        assert "Saturday 5 December, 12:00 to 14:30" in part
        assert "Sam" in part
        assert "sam.organiser@example.org" in part
        assert "029 2000 0000" in part
        assert MY in part
    assert "UK time" in text
    assert f'href="{MY}"' in html
    assert 'href="mailto:sam.organiser@example.org"' in html


async def test_an_online_place_gives_the_joining_link(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    online = EventVenue(online=True, joining_url="https://meet.example/riverside")
    app = create_app(settings, clock=lambda: WEDNESDAY_NOON)
    async with app.router.lifespan_context(app):
        person_id, address, _ = await join(rabbitmq_url, smtp_sink, name="Ifan")
        event = community_event(f"Online chat {unique_tag()}").model_copy(
            update={"online": True, "outward_code": None}
        )
        await publish_event(rabbitmq_url, accepted(person_id, event, venue=online, organiser=SAM))
        mail = (await smtp_sink.wait_for(address, 2))[1]

    text, html = bodies(mail)
    assert "https://meet.example/riverside" in text
    assert 'href="https://meet.example/riverside"' in html


@pytest.mark.parametrize("public", [False, True])
async def test_the_waitlist_sees_the_venue_only_when_it_is_public(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str, public: bool
) -> None:
    venue = VENUE.model_copy(update={"public": public})
    app = create_app(settings, clock=lambda: WEDNESDAY_NOON)
    async with app.router.lifespan_context(app):
        person_id, address, _ = await join(rabbitmq_url, smtp_sink, name="Owain")
        waiting = accepted(
            person_id,
            community_event(f"Full lunch {unique_tag()}"),
            outcome="waitlisted",
            waitlist_position=2,
            venue=venue,
            organiser=SAM,
        )
        await publish_event(rabbitmq_url, waiting)
        mail = (await smtp_sink.wait_for(address, 2))[1]

    text, html = bodies(mail)
    assert mail["Subject"].startswith("You are on the waiting list")
    assert "number 2 on the waiting list" in text
    assert ("12 Mill Lane" in text) is public
    assert ("12 Mill Lane" in html) is public
    assert "sam.organiser@example.org" not in text
    assert MY in text


async def test_a_change_is_told_once_with_was_and_now_and_the_reminders_move(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str, inspector: AsyncDatabase[Document]
) -> None:
    clock = Clock(WEDNESDAY_NOON)
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        first_id, first, _ = await join(rabbitmq_url, smtp_sink, name="Nia")
        second_id, second, _ = await join(rabbitmq_url, smtp_sink, name="Ben")
        before = community_event(f"Riverside lunch {unique_tag()}")
        for person_id, address in ((first_id, first), (second_id, second)):
            await publish_event(rabbitmq_url, accepted(person_id, before, venue=VENUE))
            await smtp_sink.wait_for(address, 2)
        moved_on = SATURDAY_NOON + timedelta(days=1, hours=2)  # Sunday 14:00
        after = before.model_copy(
            update={"starts_at": moved_on, "ends_at": moved_on + timedelta(hours=2)}
        )
        new_venue = VENUE.model_copy(update={"name": "St Mary's Hall", "address_lines": []})
        changed = EventChanged(
            producer="matching",
            correlation_id="places",
            data=EventChangedData(
                event=after,
                changes=["starts_at", "ends_at", "venue"],
                accepted=[first_id, second_id],
                was=before,
                venue=new_venue,
            ),
        )
        for _ in range(2):  # redelivered by a crash before the inbox record: one notice each
            await publish_event(rabbitmq_url, changed)
        notice = (await smtp_sink.wait_for(first, 3))[2]
        await smtp_sink.wait_for(second, 3)

        async def reminders() -> list[Document]:
            query = {"person_id": str(first_id), "kind": "reminder", "status": "queued"}
            found = [d async for d in inspector["messages"].find(query)]
            return sorted(found, key=lambda d: d["not_before"])

        moved = await eventually(
            reminders,
            until=lambda found: [d["cause_event_id"] for d in found] == [str(changed.id)] * 2,
            what="reminders at the new time",
        )
        places_only = EventChanged(
            producer="matching",
            correlation_id="places",
            data=EventChangedData(
                event=after, changes=["places"], accepted=[first_id], was=after, venue=new_venue
            ),
        )
        await publish_event(rabbitmq_url, places_only)
        await processed(inspector, places_only)
        notices = await inspector["messages"].count_documents(
            {"template": "event_changed", "recipient": first}
        )

    assert notices == 1
    assert len(smtp_sink.handler.to(first)) == 3
    assert len(smtp_sink.handler.to(second)) == 3
    text, html = bodies(notice)
    assert notice["Subject"] == f"Changed: {before.title}"
    assert "Sunday 6 December, 14:00 to 16:00" in text
    assert "Saturday 5 December, 12:00 to 14:30" in text
    assert "St Mary's Hall" in text
    assert "St Mary&#39;s Hall" in html or "St Mary's Hall" in html
    assert second not in text
    assert second not in html
    assert MY in text
    assert [d["not_before"] for d in moved] == [
        datetime(2026, 12, 5, 10, 0, tzinfo=LONDON).timestamp(),
        datetime(2026, 12, 6, 8, 0, tzinfo=LONDON).timestamp(),
    ]


async def test_the_organisers_message_goes_to_each_person_with_a_place_and_no_one_elses_address(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    app = create_app(settings, clock=lambda: WEDNESDAY_NOON)
    async with app.router.lifespan_context(app):
        first_id, first, _ = await join(rabbitmq_url, smtp_sink, name="Nia")
        second_id, second, _ = await join(rabbitmq_url, smtp_sink, name="Ben")
        event = community_event(f"Riverside lunch {unique_tag()}")
        posted = EventMessagePosted(
            producer="matching",
            correlation_id="places",
            data=EventMessagePostedData(
                event=event,
                organiser_first_name="Sam",
                text="Bring a warm coat <b>please</b> & a mug.",
                accepted=[first_id, second_id],
            ),
        )
        for _ in range(2):
            await publish_event(rabbitmq_url, posted)
        [to_first] = (await smtp_sink.wait_for(first, 2))[1:]
        [to_second] = (await smtp_sink.wait_for(second, 2))[1:]

    assert len(smtp_sink.handler.to(first)) == 2
    for mail, other in ((to_first, second), (to_second, first)):
        text, html = bodies(mail)
        assert mail["Subject"] == f"A message from Sam about {event.title}"
        assert f"Sam, the organiser of {event.title}" in text
        assert "Bring a warm coat <b>please</b> & a mug." in text
        assert "&lt;b&gt;please&lt;/b&gt; &amp; a mug." in html
        assert "<b>please</b>" not in html
        assert other not in text
        assert other not in html
        assert other not in str(mail["To"])
        assert not mail["Cc"]
        assert MY in text


async def test_those_who_came_are_thanked_and_no_show_is_told_nothing(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str, inspector: AsyncDatabase[Document]
) -> None:
    app = create_app(settings, clock=lambda: WEDNESDAY_NOON)
    async with app.router.lifespan_context(app):
        came_id, came, _ = await join(rabbitmq_url, smtp_sink, name="Nia")
        absent_id, absent, _ = await join(rabbitmq_url, smtp_sink, name="Ben")
        event = community_event(f"Riverside lunch {unique_tag()}")

        def marked(person_id: uuid.UUID, *, attended: bool) -> AttendanceRecorded:
            return AttendanceRecorded(
                producer="matching",
                correlation_id="places",
                data=AttendanceRecordedData(
                    event_id=event.event_id,
                    person_id=person_id,
                    match_id=uuid.uuid4(),
                    attended=attended,
                    event=event,
                ),
            )

        no_show = marked(absent_id, attended=False)
        await publish_event(rabbitmq_url, no_show)
        await publish_event(rabbitmq_url, marked(came_id, attended=True))
        thanks = (await smtp_sink.wait_for(came, 2))[1]
        await processed(inspector, no_show)
        told = await inspector["messages"].count_documents({"cause_event_id": str(no_show.id)})

    assert told == 0
    assert len(smtp_sink.handler.to(absent)) == 1  # only the confirmation from joining
    text, html = bodies(thanks)
    assert thanks["Subject"] == f"Thank you for coming to {event.title}"
    assert "http://moderation.test/share" in text
    assert 'href="http://moderation.test/share"' in html
    assert MY in text


async def test_the_sign_in_link_goes_to_the_volunteers_address(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str
) -> None:
    link = "http://signups.test/my/sign-in/a-token"
    app = create_app(settings, clock=lambda: WEDNESDAY_NOON)
    async with app.router.lifespan_context(app):
        person_id, address, _ = await join(rabbitmq_url, smtp_sink, name="Nia", language="cy")
        requested = SignInRequested(
            producer="signups",
            correlation_id="places",
            data=SignInRequestedData(person_id=person_id, language="cy", sign_in_url=link),
        )
        await publish_event(rabbitmq_url, requested)
        mail = (await smtp_sink.wait_for(address, 2))[1]

    text, html = bodies(mail)
    assert mail["Subject"] == "Eich dolen i fewngofnodi i together"
    assert link in text
    assert f'href="{link}"' in html
    assert "unwaith" in text
    assert "awr" in text
