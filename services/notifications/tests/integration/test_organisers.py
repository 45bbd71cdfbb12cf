"""An event's organiser, from matching's events on the real broker to a real SMTP server and the
real store: the link to their page (a few a day to one address at most), a digest of places taken
and given up (at most one an hour, never twice, an erased volunteer only as a freed place), and the
"who is coming" page (first names; an email only when its owner shares it)."""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from notifications.bootstrap import create_app
from notifications.domain.policy import LONDON
from notifications.handlers import organisers
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import (
    IntegrationEvent,
    PersonErasureRequested,
    PersonErasureRequestedData,
    email_digest,
)
from together_contracts.matches import (
    EventCancelled,
    EventCancelledData,
    EventPublished,
    EventPublishedData,
    EventSummary,
    MatchAccepted,
    MatchAcceptedData,
    MatchDeclined,
    MatchDeclinedData,
)
from together_contracts.organising import (
    MatchSharingChanged,
    MatchSharingChangedData,
    OrganiserLinkRequested,
    OrganiserLinkRequestedData,
)
from together_kit.testing.apps import started
from together_kit.testing.probe import publish_event
from together_kit.testing.tags import mentions, unique_tag
from together_kit.testing.waiting import eventually
from together_kit.web.site import SitePurpose, SiteTokens

from .conftest import Clock, Sink, bodies, join, unique_address

pytestmark = pytest.mark.integration
Document = dict[str, Any]
MANAGE = "http://matching.test/events/manage/the-token"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=LONDON)
SATURDAY_NOON = datetime(2026, 12, 5, 12, 0, tzinfo=LONDON)


def env(data: Any, cls: type[IntegrationEvent]) -> Any:
    return cls(producer="matching", correlation_id="organisers", data=data)


def community_event(title: str) -> EventSummary:
    return EventSummary(
        event_id=uuid.uuid4(),
        title=title,
        event_type="food-and-mutual-aid",  # type: ignore[arg-type]
        starts_at=SATURDAY_NOON,
        ends_at=SATURDAY_NOON + timedelta(hours=2),
        outward_code="CF10",
    )


def published(event: EventSummary, organiser: str) -> EventPublished:
    return env(
        EventPublishedData(
            event=event,
            places=2,
            organiser_email=organiser,
            organiser_name="Sam Patel",
            public_url="http://matching.test/events",
            cancel_url="http://matching.test/events/cancel/t",
            manage_url=MANAGE,
        ),
        EventPublished,
    )


def accepted(
    person_id: uuid.UUID, event: EventSummary, *, share: bool = False, **fields: Any
) -> MatchAccepted:
    return env(
        MatchAcceptedData(
            match_id=uuid.uuid4(),
            person_id=person_id,
            event=event,
            outcome=fields.pop("outcome", "accepted"),
            respond_url="http://matching.test/r/t",
            share_contact=share,
            **fields,
        ),
        MatchAccepted,
    )


def withdrawn(person_id: uuid.UUID, event: EventSummary) -> MatchDeclined:
    return env(
        MatchDeclinedData(
            match_id=uuid.uuid4(), person_id=person_id, event_id=event.event_id, withdrawn=True
        ),
        MatchDeclined,
    )


def erased(person_id: uuid.UUID | None = None, digest: str | None = None) -> IntegrationEvent:
    return PersonErasureRequested(
        producer="signups",
        correlation_id="organisers",
        data=PersonErasureRequestedData(
            erasure_id=uuid.uuid4(), person_id=person_id, email_digest=digest
        ),
    )


async def processed(db: AsyncDatabase[Document], event: IntegrationEvent) -> None:
    await eventually(
        lambda: db["inbox"].count_documents({"event_id": str(event.id)}),
        until=lambda count: count >= 1,
        what=f"inbox record of {event.type}",
    )


async def digests_now(app: FastAPI) -> int:
    return await organisers.send_digests(app.state.context)


@pytest.fixture
def settings(settings_for: Callable[..., Settings]) -> Settings:
    """The digest job is run by the test (on its clock), not by the app's timer: its first run,
    at start, is over before the test goes on (`started`), and the next is an hour away."""
    return settings_for(
        organiser_digest_check_seconds=3600.0,
        organiser_links_per_address_per_day=2,
        matching_public_url="http://matching.test",
    )


async def test_the_organiser_gets_their_page_link_on_submitting_and_on_asking(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str, inspector: AsyncDatabase[Document]
) -> None:
    organiser = unique_address("sam")
    title = f"Riverside lunch {unique_tag()}"

    def link(reason: str) -> OrganiserLinkRequested:
        return env(
            OrganiserLinkRequestedData(
                event_id=uuid.uuid4(),
                title=title,
                organiser_email=organiser,
                organiser_name="Sam <script>",
                manage_url=MANAGE,
                reason=reason,  # type: ignore[arg-type]
            ),
            OrganiserLinkRequested,
        )

    app = create_app(settings, clock=lambda: NOW)
    async with started(app):
        await publish_event(rabbitmq_url, link("submitted"))
        [submitted] = await smtp_sink.wait_for(organiser, 1)
        await publish_event(rabbitmq_url, link("requested"))
        requested = (await smtp_sink.wait_for(organiser, 2))[1]
        third = link("requested")  # over the day's allowance of 2 for this address
        await publish_event(rabbitmq_url, third)
        await processed(inspector, third)
        recorded = await inspector["messages"].count_documents({"cause_event_id": str(third.id)})

    assert recorded == 0
    assert len(smtp_sink.handler.to(organiser)) == 2
    assert submitted["Subject"] == f"Your event's page: {title}"
    assert requested["Subject"] == f"The link to your event's page: {title}"
    text, html = bodies(submitted)
    assert "Thank you for listing" in text
    assert "who is coming" in text
    assert MANAGE in text
    assert f'href="{MANAGE}"' in html
    assert not mentions(text, "Sam")
    assert not mentions(str(submitted["To"]), "Sam")
    assert "You asked for the link" in bodies(requested)[0]


async def test_the_organiser_digest_lists_places_taken_and_given_up_at_most_once_an_hour(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str, inspector: AsyncDatabase[Document]
) -> None:
    clock = Clock(NOW)
    organiser = unique_address("sam")
    event = community_event(f"Riverside lunch {unique_tag()}")
    app = create_app(settings, clock=clock)
    async with started(app):
        nia_id, nia, _ = await join(rabbitmq_url, smtp_sink, name="Nia Jones")
        ben_id, ben, _ = await join(rabbitmq_url, smtp_sink, name="Ben")
        cai_id, _cai, _ = await join(rabbitmq_url, smtp_sink, name="Cai")
        await publish_event(rabbitmq_url, published(event, organiser))
        await smtp_sink.wait_for(organiser, 1)  # "your event is live"
        taken = accepted(nia_id, event)
        for _ in range(2):
            await publish_event(rabbitmq_url, taken)
        await processed(inspector, taken)
        assert await digests_now(app) == 1
        first = (await smtp_sink.wait_for(organiser, 2))[1]
        assert await digests_now(app) == 0  # nothing new: never twice

        clock.now = NOW + timedelta(minutes=10)
        ben_takes = accepted(ben_id, event)
        await publish_event(rabbitmq_url, ben_takes)
        waiting = accepted(cai_id, event, outcome="waitlisted", waitlist_position=1)
        await publish_event(rabbitmq_url, waiting)
        clock.now = NOW + timedelta(minutes=20)
        nia_leaves = withdrawn(nia_id, event)
        await publish_event(rabbitmq_url, nia_leaves)
        for told in (ben_takes, waiting, nia_leaves):
            await processed(inspector, told)
        clock.now = NOW + timedelta(minutes=59)
        assert await digests_now(app) == 0  # not an hour since the last
        clock.now = NOW + timedelta(minutes=60)
        assert await digests_now(app) == 1
        second = (await smtp_sink.wait_for(organiser, 3))[2]
        assert await digests_now(app) == 0

        clock.now = NOW + timedelta(minutes=70)
        ben_erased = erased(ben_id)
        await publish_event(rabbitmq_url, ben_erased)
        await processed(inspector, ben_erased)
        clock.now = NOW + timedelta(minutes=120)
        assert await digests_now(app) == 1
        third = (await smtp_sink.wait_for(organiser, 4))[3]
        logged = await inspector["messages"].find_one(
            {"template": "organiser_digest", "mentions": str(ben_id)}
        )

    assert logged is None  # the delivery log no longer names Ben either
    assert first["Subject"] == f"Places on {event.title}: who is coming has changed"
    text, html = bodies(first)
    assert "Nia took a place" in text
    assert "Nia took a place" in html
    assert not mentions(text, "Jones")  # first names only
    assert nia not in text
    assert MANAGE in text
    text, _ = bodies(second)
    assert "Ben took a place" in text
    assert "Nia gave their place up" in text
    assert not mentions(text, "Cai")  # the waitlist is a count
    assert "Places taken now: 1. On the waiting list: 1." in text
    assert ben not in text
    text, html = bodies(third)
    assert "A place was freed" in text
    assert "A place was freed" in html
    assert not mentions(text, "Ben")
    assert not mentions(html, "Ben")
    assert len(smtp_sink.handler.to(organiser)) == 4


async def test_who_is_coming_shows_first_names_and_only_shared_emails(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str, inspector: AsyncDatabase[Document]
) -> None:
    organiser = unique_address("sam")
    event = community_event(f"Riverside lunch {unique_tag()}")
    token = SiteTokens(settings.site_keys()).issue(SitePurpose.ORGANISER, event.event_id)
    page = f"/organisers/{quote(token, safe='')}/people"
    app = create_app(settings, clock=lambda: NOW)
    async with started(app):
        nia_id, nia, _ = await join(rabbitmq_url, smtp_sink, name="Nia Jones")
        ben_id, ben, _ = await join(rabbitmq_url, smtp_sink, name="Ben Evans")
        cai_id, cai, _ = await join(rabbitmq_url, smtp_sink, name="Cai")
        await publish_event(rabbitmq_url, published(event, organiser))
        told = [
            accepted(nia_id, event, share=True),
            accepted(ben_id, event),
            accepted(cai_id, event, outcome="waitlisted", waitlist_position=1, share=True),
        ]
        for each in told:
            await publish_event(rabbitmq_url, each)
            await processed(inspector, each)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://n.test") as web:
            shown = await web.get(page)
            stopped = env(
                MatchSharingChangedData(
                    match_id=uuid.uuid4(),
                    event_id=event.event_id,
                    person_id=nia_id,
                    share_contact=False,
                ),
                MatchSharingChanged,
            )
            await publish_event(rabbitmq_url, stopped)
            await processed(inspector, stopped)
            unshared = await web.get(page)
            gone = erased(nia_id)
            await publish_event(rabbitmq_url, gone)
            await processed(inspector, gone)
            after_erasure = await web.get(page)
            tampered = await web.get(f"/organisers/{quote(token[:-2], safe='')}x/people")
            other = SiteTokens(settings.site_keys()).issue(SitePurpose.SESSION, event.event_id)
            wrong_purpose = await web.get(f"/organisers/{quote(other, safe='')}/people")
            welsh = await web.get(page, params={"lang": "cy"})
            cancelled = env(EventCancelledData(event=event, accepted=[ben_id]), EventCancelled)
            await publish_event(rabbitmq_url, cancelled)
            await processed(inspector, cancelled)
            after_cancel = await web.get(page, params={"lang": "en"})

    assert shown.status_code == 200
    assert event.title in shown.text
    assert "Nia" in shown.text
    assert "Ben" in shown.text
    assert not mentions(shown.text, "Jones")
    assert not mentions(shown.text, "Evans")
    assert nia in shown.text  # shared
    assert ben not in shown.text  # not shared
    assert not mentions(shown.text, "Cai")
    assert cai not in shown.text
    assert "On the waiting list: 1." in shown.text
    assert f'href="http://matching.test/events/manage/{quote(token, safe="")}"' in shown.text
    assert shown.headers["Cache-Control"] == "no-store"
    assert "Nia" in unshared.text
    assert nia not in unshared.text
    assert not mentions(after_erasure.text, "Nia")
    assert "Ben" in after_erasure.text
    for refused in (tampered, wrong_purpose):
        assert refused.status_code == 403
        assert "This link does not work" in refused.text
        assert 'href="http://matching.test/events/manage"' in refused.text
        assert not mentions(refused.text, "Ben")
    assert "Pwy sy&#39;n dod" in welsh.text or "Pwy sy'n dod" in welsh.text
    assert not mentions(after_cancel.text, "Ben")
    assert "cancelled" in after_cancel.text


async def test_an_erased_organiser_gets_no_digest(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str, inspector: AsyncDatabase[Document]
) -> None:
    organiser = unique_address("sam")
    event = community_event(f"Riverside lunch {unique_tag()}")
    app = create_app(settings, clock=lambda: NOW)
    async with started(app):
        nia_id, _nia, _ = await join(rabbitmq_url, smtp_sink, name="Nia")
        await publish_event(rabbitmq_url, published(event, organiser))
        await smtp_sink.wait_for(organiser, 1)
        taken = accepted(nia_id, event)
        await publish_event(rabbitmq_url, taken)
        await processed(inspector, taken)
        forgotten = erased(digest=email_digest(organiser, key=settings.erasure_digest_key))
        await publish_event(rabbitmq_url, forgotten)
        await processed(inspector, forgotten)
        recorded = await digests_now(app)
        roster = await inspector["rosters"].find_one({"_id": str(event.event_id)})

    assert recorded == 0
    assert roster is not None
    assert roster["organiser"] is None
    assert organiser not in str(roster)
    assert len(smtp_sink.handler.to(organiser)) == 1


async def test_a_digest_interrupted_before_the_roster_was_updated_is_not_sent_twice(
    settings: Settings, smtp_sink: Sink, rabbitmq_url: str, inspector: AsyncDatabase[Document]
) -> None:
    """A crash between recording the digest and taking its changes off the roster: the next run
    finds the digest's key taken, takes off what it gathered, and nothing is sent twice."""
    organiser = unique_address("sam")
    event = community_event(f"Riverside lunch {unique_tag()}")
    rosters = inspector["rosters"]
    app = create_app(settings, clock=lambda: NOW)
    async with started(app):
        nia_id, _nia, _ = await join(rabbitmq_url, smtp_sink, name="Nia")
        await publish_event(rabbitmq_url, published(event, organiser))
        taken = accepted(nia_id, event)
        await publish_event(rabbitmq_url, taken)
        await processed(inspector, taken)
        before = await rosters.find_one({"_id": str(event.event_id)})
        assert before is not None
        assert await digests_now(app) == 1
        await smtp_sink.wait_for(organiser, 2)
        await rosters.replace_one({"_id": str(event.event_id)}, before)  # the update was lost
        assert await digests_now(app) == 1  # runs again: same key, nothing new recorded
        after = await rosters.find_one({"_id": str(event.event_id)})
        assert await digests_now(app) == 0
        logged = await inspector["messages"].count_documents({"template": "organiser_digest"})

    assert after is not None
    assert after["changes"] == {}
    assert after["digests"] == 1
    assert logged == 1
    assert len(smtp_sink.handler.to(organiser)) == 2  # "your event is live" and one digest
