"""Issue 22's journey of a community connector, through the four services as real processes: a
volunteer ticks "community connector" when joining; a coordinator (here a lead, who coordinates
too) moves them through the welcome call and the safeguarding basics to active in their
district, where a neighbour waits and no event is near; matching opens a call to action there and
the connector is told; the connector lists an event there; a lead approves it; the call closes.
"""

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from together_kit.testing.tags import unique_tag
from together_kit.testing.waiting import eventually

from .conftest import System
from .test_journeys import (
    STEP,
    csrf_of,
    item_in_queue,
    link,
    mail_to,
    moderator,
    next_saturday_morning,
    plain_text,
    start_everything,
)

pytestmark = pytest.mark.e2e

CHECKLIST = ("policy", "concerns", "public-places", "privacy", "emergencies")


async def join(system: System, sink: Any, *, name: str, email: str, connector: bool) -> None:
    form = {
        "name": name,
        "email": email,
        "postcode": "LL57 2PW",
        "interests": ["food-and-mutual-aid"],
        "availability": ["weekends"],
        "travel_radius_km": "5",
        "language": "en",
        "consent_matched_events": "yes",
        **({"connector": "yes"} if connector else {}),
    }
    async with httpx.AsyncClient(base_url=system.url("signups"), timeout=30) as client:
        joined = await client.post("/join", data=form)
        assert joined.status_code == 303, joined.text
    confirmation = await mail_to(sink, email, "Confirm your email address")
    confirm_url = link(plain_text(confirmation), f"{system.url('signups')}/confirm/")
    async with httpx.AsyncClient(timeout=30) as browser:
        assert (await browser.post(confirm_url)).status_code == 200


async def test_a_connector_answers_a_call_to_action_in_their_district(
    system: System, mail_sink: Any
) -> None:
    await start_everything(
        system, mail_sink, MATCHING_CALL_AFTER_WEEKS="0", MATCHING_CALLS_INTERVAL_SECONDS="1"
    )
    tag = unique_tag()
    alex = f"alex-{tag}@example.org"
    await join(system, mail_sink, name="Alex Connector", email=alex, connector=True)
    await join(
        system, mail_sink, name="Nia Neighbour", email=f"nia-{tag}@example.org", connector=False
    )
    await mail_to(mail_sink, alex, "Thank you for offering to be a community connector")

    async with moderator(system) as desk:

        async def listed() -> str | None:
            page = (await desk.get("/moderation/connectors")).text
            found = re.search(r'/moderation/connectors/([0-9a-f-]{36})">Alex Connector<', page)
            return found.group(1) if found else None

        person = await eventually(listed, timeout=STEP, what="the connector listed")
        page = await desk.get(f"/moderation/connectors/{person}")

        async def move(**fields: str | list[str]) -> None:
            moved = await desk.post(
                f"/moderation/connectors/{person}/move", data={"csrf": csrf_of(page.text), **fields}
            )
            assert moved.status_code == 303, moved.text

        await move(to="call-booked", call_at="2027-06-01T18:30")
        await move(to="trained", checklist_shown="1", checklist=list(CHECKLIST))
        await move(to="active", districts="LL57")
        active = await mail_to(mail_sink, alex, "You are now a community connector")
        assert f"{system.url('matching')}/gaps/districts/LL57" in plain_text(active)

        asked = await mail_to(mail_sink, alex, "A call to action in LL57")
        list_url = link(plain_text(asked), f"{system.url('matching')}/events/new?postcode=")
        assert list_url.endswith("?postcode=LL57")

        title = f"Bangor community lunch {tag}"
        starts = next_saturday_morning()
        async with httpx.AsyncClient(base_url=system.url("matching"), timeout=30) as matching:
            form = await matching.get(list_url.removeprefix(system.url("matching")))
            assert 'value="LL57 "' in form.text, "the postcode is started"
            opened = (await matching.get("/api/v1/calls")).json()
            assert opened["figures"]["open"] == 1
            listed_event = await matching.post(
                "/api/v1/events",
                json={
                    "title": title,
                    "description": "Soup, bread and a chat for neighbours old and new.",
                    "event_type": "food-and-mutual-aid",
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=2)).isoformat(),
                    "postcode": "LL57 2PW",
                    "venue_name": "The church hall",
                    "address_lines": ["High Street"],
                    "town": "Bangor",
                    "organiser_name": "Alex Connector",
                    "organiser_email": alex,
                    "places": 10,
                },
            )
            assert listed_event.status_code == 201, listed_event.text

            item_id = await item_in_queue(desk, title)
            item = await desk.get(f"/moderation/items/{item_id}")
            approved = await desk.post(
                f"/moderation/items/{item_id}/approve", data={"csrf": csrf_of(item.text)}
            )
            assert approved.status_code == 303, approved.text

            async def figures() -> dict[str, Any]:
                found: dict[str, Any] = (await matching.get("/api/v1/calls")).json()["figures"]
                return found

            closed = await eventually(
                figures, until=lambda f: f["closed"] == 1, timeout=STEP, what="the call closed"
            )
    assert (closed["opened"], closed["open"]) == (1, 0)
