"""Community connectors hear of their path and of calls to action, through the real broker, store
and SMTP server: each step is an email in their language; while active, a call opened in their
district asks them to put an event on, once a month at most; a paused connector and a connector
of another district hear nothing, nor one who unsubscribed; an organisation that pledged in the
district hears of its calls too."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from notifications.bootstrap import create_app
from notifications.handlers import connectors
from notifications.handlers.context import Context
from notifications.settings import Settings
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import (
    CallOpened,
    CallOpenedData,
    ConnectorMoved,
    ConnectorMovedData,
    ConnectorState,
    PledgeProgressLinkRequested,
    PledgePublished,
    PledgePublishedData,
    VolunteerRegistered,
    VolunteerRegisteredData,
)
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually

from .conftest import Clock, Document, Sink, unique_address
from .test_pledge_outcomes import organisation_joined, pledge_decided

pytestmark = pytest.mark.integration

MIDDAY = datetime(2027, 6, 1, 11, 0, tzinfo=UTC)


def registered(person_id: uuid.UUID, address: str, language: str) -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="signups",
        correlation_id="connector",
        data=VolunteerRegisteredData(
            person_id=person_id,
            name="Alex",
            email=address,
            language=language,  # type: ignore[arg-type]
            confirm_url="https://links.example/confirm",
            unsubscribe_url="https://links.example/unsubscribe",
        ),
    )


def moved(
    person_id: uuid.UUID, state: ConnectorState, districts: list[str], *, later: int = 0
) -> ConnectorMoved:
    """A step of the connector's path, made `later` minutes after midday."""
    return ConnectorMoved(
        producer="moderation",
        correlation_id="connector",
        data=ConnectorMovedData(
            person_id=person_id,
            state=state,
            previous=None,
            districts=districts,
            moved_at=MIDDAY + timedelta(minutes=later),
        ),
    )


def call(code: str) -> CallOpened:
    return CallOpened(
        producer="matching",
        correlation_id="call",
        data=CallOpenedData(
            call_id=uuid.uuid4(),
            outward_code=code,
            volunteers=6,
            reach_km=10,
            gap_since=datetime(2027, 5, 1, 9, 0, tzinfo=UTC),
            opened_at=MIDDAY,
        ),
    )


async def test_a_connectors_moves_handled_out_of_order_leave_the_latest_districts(
    settings_for: Callable[..., Settings], inspector: AsyncDatabase[Document]
) -> None:
    """Moves handled in any order, or again, leave the districts of the one made last."""
    app = create_app(settings_for(), clock=Clock(MIDDAY))
    ctx: Context = app.state.context
    assert ctx.connectors is not None
    person = str(uuid.uuid4())
    first, then = MIDDAY, MIDDAY + timedelta(days=3)
    async with app.router.lifespan_context(app):
        assert await ctx.connectors.keep(person, [], as_of=then)
        assert not await ctx.connectors.keep(person, ["LL57", "LL55"], as_of=first)
        assert await ctx.connectors.active_in("LL57") == []

        assert await ctx.connectors.keep(person, ["SA31"], as_of=then + timedelta(days=1))
        assert await ctx.connectors.keep(person, ["SA31"], as_of=then + timedelta(days=1))
        assert [d["person_id"] for d in await ctx.connectors.active_in("SA31")] == [person]

        await ctx.connectors.forget(person)
        assert await inspector["connector_districts"].count_documents({}) == 0
        assert await ctx.connectors.keep(person, ["LL57"], as_of=first), "forgotten: anew"


async def test_an_active_connector_hears_of_a_call_in_their_district_once_a_month(
    settings_for: Callable[..., Settings],
    smtp_sink: Sink,
    rabbitmq_url: str,
    inspector: AsyncDatabase[Document],
) -> None:
    clock = Clock(MIDDAY)
    app = create_app(settings_for(matching_public_url="http://matching.test"), clock=clock)
    ctx: Context = app.state.context
    active, elsewhere, paused = (unique_address(n) for n in ("active", "elsewhere", "paused"))
    people = {address: uuid.uuid4() for address in (active, elsewhere, paused)}
    async with app.router.lifespan_context(app):
        for address, person_id in people.items():
            await publish_event(rabbitmq_url, registered(person_id, address, "cy"))
            await smtp_sink.wait_for(address)
        await publish_event(rabbitmq_url, moved(people[active], ConnectorState.ACTIVE, ["LL57"]))
        await publish_event(rabbitmq_url, moved(people[elsewhere], ConnectorState.ACTIVE, ["SA31"]))
        await publish_event(rabbitmq_url, moved(people[paused], ConnectorState.ACTIVE, ["LL57"]))
        await publish_event(rabbitmq_url, moved(people[paused], ConnectorState.PAUSED, [], later=5))
        [_, step] = await smtp_sink.wait_for(active, 2)
        assert step["Subject"] == "Rydych chi bellach yn gysylltydd cymunedol"
        await smtp_sink.wait_for(paused, 3)

        async def only_active_in_ll57() -> list[str]:
            found = await inspector["connector_districts"].find({"district": "LL57"}).to_list()
            return [d["person_id"] for d in found]

        await eventually(only_active_in_ll57, until=lambda ids: ids == [str(people[active])])

        await publish_event(rabbitmq_url, call("LL57"))
        [*_, asked] = await smtp_sink.wait_for(active, 3)
        body = asked.get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        assert asked["Subject"] == "Galwad i weithredu yn LL57: allech chi gynnal digwyddiad?"
        assert "http://matching.test/events/new?postcode=LL57" in text
        assert "http://matching.test/gaps/districts/LL57" in text

        clock.now += timedelta(days=10)
        await connectors.tell_call(call("LL57"), ctx)
        clock.now += timedelta(days=25)
        later = call("LL57")
        await connectors.tell_call(later, ctx)
        await smtp_sink.wait_for(active, 4)

    told = await inspector["messages"].find({"template": "call_opened"}).to_list()
    assert [m["cause_event_id"] for m in told][-1] == str(later.id)
    assert len(told) == 2, "the second call came 10 days after the first: not told"
    assert len(smtp_sink.handler.to(elsewhere)) == 2, "SA31's connector hears nothing of LL57"
    assert len(smtp_sink.handler.to(paused)) == 3, "a paused connector hears of no call"


async def test_a_connector_made_active_where_a_call_is_open_hears_of_it(
    settings_for: Callable[..., Settings],
    smtp_sink: Sink,
    rabbitmq_url: str,
    inspector: AsyncDatabase[Document],
) -> None:
    app = create_app(settings_for(matching_public_url="http://matching.test"), clock=Clock(MIDDAY))
    address, person_id = unique_address("late"), uuid.uuid4()
    async with app.router.lifespan_context(app):
        await publish_event(rabbitmq_url, registered(person_id, address, "en"))
        await smtp_sink.wait_for(address)
        opened = call("LL58")
        await publish_event(rabbitmq_url, opened)

        async def kept() -> int:
            return await inspector["open_calls"].count_documents({"district": "LL58"})

        await eventually(kept, until=lambda n: n == 1, what="the open call kept")
        await publish_event(rabbitmq_url, moved(person_id, ConnectorState.ACTIVE, ["LL58"]))
        mails = await smtp_sink.wait_for(address, 3)

    assert {m["Subject"] for m in mails[1:]} == {
        "You are now a community connector",
        "A call to action in LL58: could you put an event on?",
    }
    [told] = await inspector["messages"].find({"template": "call_opened"}).to_list()
    assert told["cause_event_id"] == str(opened.id)


async def test_an_organisation_whose_pledge_serves_a_district_hears_of_its_calls(
    settings_for: Callable[..., Settings],
    smtp_sink: Sink,
    rabbitmq_url: str,
    inspector: AsyncDatabase[Document],
) -> None:
    app = create_app(settings_for(matching_public_url="http://matching.test"), clock=Clock(MIDDAY))
    address, organisation_id = unique_address("pledged"), uuid.uuid4()
    joined = organisation_joined(organisation_id, address)
    data = PledgePublishedData(
        pledge_id=uuid.uuid4(),
        organisation_id=organisation_id,
        organisation_name="Riverside Kitchen",
        districts=["LL59", "LL60"],
        progress_url="https://links.example/pledges/progress/t",
        public_url="https://links.example/pledges/p",
    )
    async with app.router.lifespan_context(app):
        await publish_event(rabbitmq_url, joined)
        await smtp_sink.wait_for(address)
        opened = call("LL60")
        await publish_event(rabbitmq_url, opened)
        await publish_event(
            rabbitmq_url, PledgePublished(producer="signups", correlation_id="p", data=data)
        )
        three = await smtp_sink.wait_for(address, 3)
        [linked] = [m for m in three if m["Subject"] == "Post progress on your pledge"]
        [asked] = [m for m in three if str(m["Subject"]).startswith("A call to action")]
        await publish_event(rabbitmq_url, call("LL60"))  # within the month: not told
        again = PledgeProgressLinkRequested(producer="signups", correlation_id="p", data=data)
        await publish_event(rabbitmq_url, again)
        [*_, sent_again] = await smtp_sink.wait_for(address, 4)
        rejected = pledge_decided(organisation_id, data.pledge_id, approved=False)
        await publish_event(rabbitmq_url, rejected)

        async def districts_kept() -> list[Document]:
            found = inspector["connector_districts"].find({"person_id": str(organisation_id)})
            return await found.to_list()

        await eventually(districts_kept, until=lambda kept: kept == [], what="districts forgotten")

    assert linked["Subject"] == sent_again["Subject"] == "Post progress on your pledge"
    body = asked.get_body(preferencelist=("plain",))
    assert body is not None
    assert asked["Subject"] == "A call to action in LL60: could you put an event on?"
    assert "Your organisation pledged to serve LL60" in body.get_content()
    assert "community connector" not in body.get_content()
    told = await inspector["messages"].find({"template": "call_opened"}).to_list()
    assert [m["cause_event_id"] for m in told] == [str(opened.id)]


async def test_a_connector_who_unsubscribed_hears_of_no_call(
    settings_for: Callable[..., Settings],
    smtp_sink: Sink,
    rabbitmq_url: str,
    inspector: AsyncDatabase[Document],
) -> None:
    app = create_app(settings_for(), clock=Clock(MIDDAY))
    address, person_id = unique_address("quiet"), uuid.uuid4()
    async with app.router.lifespan_context(app):
        await publish_event(rabbitmq_url, registered(person_id, address, "en"))
        await smtp_sink.wait_for(address)
        await publish_event(rabbitmq_url, moved(person_id, ConnectorState.ACTIVE, ["LL59"]))
        [_, step] = await smtp_sink.wait_for(address, 2)
        path = urlsplit(step["List-Unsubscribe"].strip("<>")).path
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            done = await client.post(path, content=b"List-Unsubscribe=One-Click")
            assert done.status_code == 200
        await publish_event(rabbitmq_url, call("LL59"))

        async def asked() -> list[Document]:
            return await inspector["messages"].find({"template": "call_opened"}).to_list()

        [told] = await eventually(asked, until=lambda found: len(found) == 1)

    assert told["status"] == "suppressed"
    assert len(smtp_sink.handler.to(address)) == 2
