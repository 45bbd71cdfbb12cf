"""talk/together's hosted conversations and volunteers' votes, through the real API, store and
broker (issue 21, points 3, 7 and 9).

A host invited by a lead records a conversation held in a room with the link they were sent:
its statements join the moderation queue (once, however often the form is sent) and its people
are counted on the conversation's page and in the open data. A volunteer signed in to "My
together" keeps their votes with their account, finds them on a second device, and when they are
forgotten their statements are blanked and the tie removed, while moderation answers the erasure.
"""

import csv
import io
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from moderation.domain.decisions import Moderator
from moderation.handlers import decisions
from together_contracts import PersonErasureRequested, PersonErasureRequestedData
from together_kit.testing.probe import event_probe, publish_event
from together_kit.testing.waiting import eventually
from together_kit.web.site import SESSION_COOKIE, SitePurpose, SiteTokens

from .conftest import Moderation, StartModeration

pytestmark = pytest.mark.integration

ADMIN = {"X-API-Key": "admin-key-for-rooms"}
SEEDS = ["Neighbours checking on each other should carry on.", "Key workers deserve thanks."]


@pytest.fixture
async def talking(start_moderation: StartModeration) -> AsyncIterator[Moderation]:
    async with start_moderation(
        admin_api_key=ADMIN["X-API-Key"], talk_rate_limit="10000/minute"
    ) as app:
        yield app


async def open_conversation(moderation: Moderation) -> dict[str, Any]:
    response = await moderation.http.post(
        "/api/v1/talk",
        json={"question": "What would bring your community closer?", "seeds": SEEDS},
        headers=ADMIN,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def statement_items(moderation: Moderation, conversation_id: str) -> list[dict[str, Any]]:
    query = {"kind": "statement", "conversation_id": conversation_id}
    return await moderation.db["items"].find(query).sort("text", 1).to_list()


async def test_a_host_records_a_conversation_held_in_a_room(talking: Moderation) -> None:
    conversation = await open_conversation(talking)
    cid = conversation["id"]
    refused = await talking.http.post(f"/api/v1/talk/{cid}/hosts", json={"name": "Someone"})
    assert refused.status_code == 401
    invited = await talking.http.post(
        f"/api/v1/talk/{cid}/hosts", json={"name": "Grangetown Community Centre"}, headers=ADMIN
    )
    assert invited.status_code == 201, invited.text
    page = urlsplit(invited.json()["link"]).path
    assert page.startswith(f"/talk/{cid}/hosted/")
    other = await open_conversation(talking)
    async with talking.client() as host:
        assert (await host.get(page)).status_code == 200
        assert (await host.get(f"/talk/{cid}/hosted/not-a-token")).status_code == 404
        elsewhere = page.replace(cid, other["id"])
        assert (await host.get(elsewhere)).status_code == 404

        wrong = await host.post(page, data={"place": "", "held_on": "2999-01-01", "people": "0"})
        assert wrong.status_code == 422
        assert "Enter where it was held" in wrong.text
        assert "Enter the day it was held (not in the future)" in wrong.text
        assert "Enter how many took part, from 1 to 2000" in wrong.text
        assert await statement_items(talking, cid) == []

        held_on = (talking.clock() - timedelta(days=2)).date().isoformat()
        form = {
            "place": "Grangetown Community Centre, Cardiff",
            "region": "Wales",
            "held_on": held_on,
            "people": "14",
            "statements": "The hall should stay open in the evenings.\n\nA tea rota helps "
            "people who live alone.\nthe hall should stay open in the evenings.",
        }
        recorded = await host.post(page, data=form)
        assert recorded.status_code == 303
        assert recorded.headers["location"].endswith("?recorded=1")
        assert (await host.post(page, data=form)).status_code == 303  # sent twice

    items = await statement_items(talking, cid)
    assert [item["text"] for item in items] == [
        "A tea rota helps people who live alone.",
        "The hall should stay open in the evenings.",
    ]
    assert {item["status"] for item in items} == {"pending"}
    shown = (await talking.http.get(f"/api/v1/talk/{cid}")).json()
    assert shown["hosted"] == {"conversations": 1, "people": 14}
    assert shown["waiting"] == 2
    for item in items:
        await decisions.approve(uuid.UUID(item["_id"]), Moderator("ann"), ctx=talking.ctx)
    voted_on = (await talking.http.get(f"/api/v1/talk/{cid}")).json()["statements"]
    assert {s["text"] for s in voted_on} >= {item["text"] for item in items}

    async with talking.client() as visitor:
        page_text = (await visitor.get(f"/talk/{cid}")).text
    assert "14 people took part in conversations held by hosts (1 in all)" in page_text
    exported = (await talking.http.get(f"/api/v1/talk/{cid}/export")).json()
    assert exported["hosted"] == [
        {
            "host": "Grangetown Community Centre",
            "place": "Grangetown Community Centre, Cardiff",
            "region": "Wales",
            "held_on": held_on,
            "people": 14,
            "statements": 2,
        }
    ]
    table = (await talking.http.get(f"/api/v1/talk/{cid}/export/hosted.csv")).text
    (row,) = csv.DictReader(io.StringIO(table))
    assert row["people"] == "14"


def signed_in_browser(moderation: Moderation, person_id: uuid.UUID) -> httpx.AsyncClient:
    """A browser signed in to "My together" (the site-wide session cookie signups gives)."""
    browser = moderation.client()
    session = SiteTokens(moderation.settings.site_keys()).issue(SitePurpose.SESSION, person_id)
    browser.cookies.set(SESSION_COOKIE, session)
    return browser


async def test_a_volunteers_votes_follow_them_and_go_when_they_are_forgotten(
    talking: Moderation, rabbitmq_url: str
) -> None:
    conversation = await open_conversation(talking)
    cid = conversation["id"]
    person = uuid.uuid4()
    async with signed_in_browser(talking, person) as phone:
        offered = (await phone.get(f"/talk/{cid}")).text
        assert "Keep my votes with my account" in offered
        assert (await phone.post(f"/talk/{cid}/volunteer")).status_code == 303
        assert (
            "Your votes are kept with your volunteer account"
            in (await phone.get(f"/talk/{cid}")).text
        )
        added = await phone.post(
            f"/talk/{cid}/statements", data={"text": "Street parties every summer."}
        )
        assert added.status_code == 303
        [mine] = await statement_items(talking, cid)
        await decisions.approve(uuid.UUID(mine["_id"]), Moderator("ann"), ctx=talking.ctx)
        for statement in conversation["statements"]:
            voted = await phone.put(
                f"/api/v1/talk/{cid}/votes/{statement['id']}", json={"vote": "agree"}
            )
            assert voted.status_code == 204, voted.text

    async with signed_in_browser(talking, person) as laptop:
        shown = (await laptop.get(f"/api/v1/talk/{cid}/next")).json()
        assert shown["voted"] == 2
        assert shown["statement"]["text"] == "Street parties every summer."
    async with talking.client() as stranger:
        assert (await stranger.get(f"/api/v1/talk/{cid}/next")).json()["voted"] == 0
        refused = await stranger.post("/api/v1/talk/me/volunteer")
        assert refused.status_code == 401

    request = PersonErasureRequested(
        producer="signups",
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), person_id=person),
    )
    async with event_probe(rabbitmq_url, ["person.erased"]) as probe:
        await publish_event(rabbitmq_url, request)
        [answered] = await probe.wait_for(1)
    assert answered["data"]["person_id"] == str(person)

    [erased] = await statement_items(talking, cid)
    assert (erased["status"], erased["text"]) == ("erased", "")
    assert await talking.db["talk_participants"].count_documents({"person": str(person)}) == 0
    statements = (await talking.http.get(f"/api/v1/talk/{cid}")).json()["statements"]
    assert "Street parties every summer." not in {s["text"] for s in statements}
    assert await talking.db["votes"].count_documents({"conversation": cid}) == 2

    async with signed_in_browser(talking, person) as laptop:
        assert (await laptop.get(f"/api/v1/talk/{cid}/next")).json()["voted"] == 0

    async def blanked() -> int:
        return await talking.db["erasures"].count_documents({})

    await eventually(blanked, what="the answer recorded")
