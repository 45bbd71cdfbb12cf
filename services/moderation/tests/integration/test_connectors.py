"""Community connectors and their coordinators (issue 22, points 1 and 2), through the real
broker and store: signups' `connector.interested` starts a connector on the path; a coordinator
(an account of the moderator UI with the coordinator role, kept out of the queue) moves them from
welcome call to trained to active in districts, each step told as `connector.moved` without a
name or an address; the page shows the districts with an open call to action and no active
connector; subject access and erasure reach the connector's record."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from moderation.domain.connectors import CHECKLIST
from moderation.domain.decisions import Role
from together_contracts import (
    CallOpened,
    CallOpenedData,
    PersonAccessRequested,
    PersonAccessRequestedData,
    PersonErasureRequested,
    PersonErasureRequestedData,
    email_digest,
)
from together_contracts.connectors import ConnectorInterested, ConnectorInterestedData
from together_kit.testing.probe import EventProbe, event_probe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Moderation
from .moderator_support import csrf_of, signed_in

pytestmark = pytest.mark.integration


def interested(person_id: uuid.UUID, outward_code: str = "LL57") -> ConnectorInterested:
    return ConnectorInterested(
        producer="signups",
        correlation_id="connector-test",
        data=ConnectorInterestedData(
            person_id=person_id,
            name="Alex Jones",
            email="alex.connector@example.org",
            phone="07700 900123",
            outward_code=outward_code,
            language="cy",
            source="join-form",
        ),
    )


def call_opened(code: str) -> CallOpened:
    return CallOpened(
        producer="matching",
        correlation_id="call-test",
        data=CallOpenedData(
            call_id=uuid.uuid4(),
            outward_code=code,
            volunteers=4,
            reach_km=10,
            gap_since=datetime(2027, 5, 1, tzinfo=UTC),
            opened_at=datetime(2027, 5, 29, tzinfo=UTC),
        ),
    )


async def moved(probe: EventProbe, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await probe.wait_for(count)
    return found


async def move(
    client: httpx.AsyncClient, person_id: uuid.UUID, **fields: str | list[str]
) -> httpx.Response:
    data = {"csrf": await csrf_of(client, "/moderation/connectors"), **fields}
    return await client.post(f"/moderation/connectors/{person_id}/move", data=data)


async def test_a_coordinator_moves_a_connector_from_interested_to_active(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    person_id = uuid.uuid4()
    async with event_probe(rabbitmq_url, ["connector.moved"]) as probe:
        await publish_event(rabbitmq_url, interested(person_id))
        await publish_event(rabbitmq_url, interested(person_id))
        [first] = await moved(probe, 1)
        assert first["data"]["state"] == "interested"
        assert first["data"]["previous"] is None
        assert await moderation.db["connectors"].count_documents({}) == 1

        coordinator = await signed_in(moderation, "Cerys", Role.COORDINATOR)
        queue = await coordinator.get("/moderation")
        assert (queue.status_code, queue.headers["location"]) == (303, "/moderation/connectors")
        page = await coordinator.get("/moderation/connectors")
        assert "Interested (1)" in page.text
        assert "Alex Jones" in page.text
        assert 'href="/moderation"' not in page.text.partition("</nav>")[0], "no queue link"

        one = await coordinator.get(f"/moderation/connectors/{person_id}")
        assert "alex.connector@example.org" in one.text
        assert "07700 900123" in one.text
        read = await moderation.db["security_log"].find_one(
            {"action": "personal-data-read", "target_id": str(person_id)}
        )
        assert read is not None
        assert read["actor"] == "Cerys"

        no_time = await move(coordinator, person_id, to="call-booked", call_at="")
        assert no_time.status_code == 422
        assert "Enter the day and time of the welcome call." in no_time.text
        booked = await move(coordinator, person_id, to="call-booked", call_at="2027-06-01T18:30")
        assert booked.status_code == 303

        half = await move(
            coordinator, person_id, to="trained", checklist_shown="1", checklist=["policy"]
        )
        assert half.status_code == 422
        assert "Tick every item of the safeguarding checklist first." in half.text
        trained = await move(
            coordinator, person_id, to="trained", checklist_shown="1", checklist=list(CHECKLIST)
        )
        assert trained.status_code == 303

        wrong = await move(coordinator, person_id, to="active", districts="LL57, nowhere")
        assert wrong.status_code == 422
        assert "These are not postcode districts: NOWHERE." in wrong.text
        active = await move(coordinator, person_id, to="active", districts="ll57, LL55")
        assert active.status_code == 303

        steps = await moved(probe, 4)
    assert [s["data"]["state"] for s in steps] == [
        "interested",
        "call-booked",
        "trained",
        "active",
    ]
    assert steps[1]["data"]["call_at"].startswith("2027-06-01T17:30:00"), "18:30 BST"
    assert steps[3]["data"]["districts"] == ["LL57", "LL55"]
    for step in steps:
        assert set(step["data"]) == {
            "person_id",
            "state",
            "previous",
            "districts",
            "call_at",
            "language",
            "moved_at",
        }, "no name, email or phone leaves moderation"
    page = (await coordinator.get(f"/moderation/connectors/{person_id}")).text
    assert "Welcome call booked: " in page
    assert "by Cerys" in page


async def test_districts_with_a_call_and_no_active_connector(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    person_id = uuid.uuid4()
    async with event_probe(rabbitmq_url, ["connector.moved"]) as probe:
        await publish_event(rabbitmq_url, interested(person_id))
        await publish_event(rabbitmq_url, interested(uuid.uuid4(), "CF10"))
        await probe.wait_for(2)
    coordinator = await signed_in(moderation, "Cerys", Role.COORDINATOR)
    await move(coordinator, person_id, to="call-booked", call_at="2027-06-01T18:30")
    await move(coordinator, person_id, to="trained", checklist_shown="1", checklist=list(CHECKLIST))
    await move(coordinator, person_id, to="active", districts="LL57")
    for code in ("LL57", "SA31"):
        await publish_event(rabbitmq_url, call_opened(code))
    await eventually(
        lambda: moderation.db["open_calls"].count_documents({}), until=lambda n: n == 2
    )

    page = (await coordinator.get("/moderation/connectors")).text

    uncovered = page.partition("no active connector</h2>")[2].partition("</table>")[0]
    rows = uncovered.split("<tr>")[2:]
    assert ">SA31</a>" in rows[0], "a district with a call comes first"
    assert ">CF10</a>" in rows[1]
    assert "no call" in rows[1], "a connector lives there, not active yet"
    assert "LL57" not in uncovered
    assert "LL57: Alex Jones" in page


async def test_moderators_do_not_see_connectors(moderation: Moderation) -> None:
    moderator = await signed_in(moderation, "Mo")

    assert (await moderator.get("/moderation/connectors")).status_code == 403
    refused = await moderator.post(
        f"/moderation/connectors/{uuid.uuid4()}/move",
        data={"csrf": await csrf_of(moderator), "to": "active"},
    )
    assert refused.status_code == 403


async def test_access_and_erasure_reach_the_connector(
    moderation: Moderation, rabbitmq_url: str
) -> None:
    person_id = uuid.uuid4()
    async with event_probe(rabbitmq_url, ["connector.moved"]) as probe:
        await publish_event(rabbitmq_url, interested(person_id))
        await probe.wait_for(1)

    asked = PersonAccessRequested(
        producer="signups",
        correlation_id="access-connector",
        data=PersonAccessRequestedData(
            access_id=uuid.uuid4(),
            person_id=person_id,
            email_digest=email_digest(
                "alex.connector@example.org", key=moderation.settings.erasure_digest_key
            ),
        ),
    )
    async with event_probe(rabbitmq_url, ["person.access_answered"]) as answers:
        await publish_event(rabbitmq_url, asked)
        [told] = await answers.wait_for(1)
    held = told["data"]["held"]["community_connector"]
    assert (held["name"], held["phone"], held["state"]) == (
        "Alex Jones",
        "07700 900123",
        "interested",
    )
    assert [step["by"] for step in held["steps"]] == ["signups"]

    erasure = PersonErasureRequested(
        producer="signups",
        correlation_id="erase-connector",
        data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), person_id=person_id),
    )
    async with event_probe(rabbitmq_url, ["person.erased"]) as answers:
        await publish_event(rabbitmq_url, erasure)
        [answered] = await answers.wait_for(1)

    assert answered["data"]["person_id"] == str(person_id)
    assert await moderation.db["connectors"].count_documents({}) == 0
