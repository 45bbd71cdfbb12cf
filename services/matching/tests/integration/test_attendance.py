"""After the event the organiser marks who came, by place code; `attendance.recorded` follows."""

import re

import pytest
from together_kit.testing.probe import EventProbe

from .conftest import Matching, seen, token_of

pytestmark = pytest.mark.integration


async def test_the_organiser_marks_who_came_by_place_code(
    matching: Matching, probe: EventProbe
) -> None:
    person_id = await matching.confirm_volunteer()
    created = (await matching.submit(places=2)).json()
    event_id = created["id"]
    await matching.approve(event_id)
    proposal = (
        await seen(
            probe, "match.proposed", where=lambda e: e["data"]["event"]["event_id"] == event_id
        )
    )[0]["data"]
    respond = f"/r/{token_of(proposal['respond_url'])}"
    await matching.http.post(respond, data={"answer": "accept"})
    answer_page = await matching.http.get(respond)
    code = re.search(r"Your place code is ([0-9A-F]{6})", answer_page.text)
    assert code is not None

    form = f"/events/attendance/{token_of(created['attendance_url'])}"
    early = await matching.http.get(form)
    assert "once the event has begun" in early.text
    matching.clock.advance(days=8)
    page = await matching.http.get(form)
    assert f"Place code {code[1]}" in page.text
    saved = await matching.http.post(form, data={f"place-{code[1]}": "came"})
    assert "Saved" in saved.text
    recorded = await seen(
        probe, "attendance.recorded", where=lambda e: e["data"]["event_id"] == event_id
    )
    assert recorded[0]["data"]["person_id"] == str(person_id)
    assert recorded[0]["data"]["attended"] is True
    profile = await matching.db["volunteers"].find_one({"_id": str(person_id)})
    assert profile is not None
    assert profile["attended"] == 1

    await matching.http.post(form, data={f"place-{code[1]}": "came"})
    await matching.http.post(form, data={f"place-{code[1]}": "missed"})
    profile = await matching.db["volunteers"].find_one({"_id": str(person_id)})
    assert profile is not None
    assert (profile["attended"], profile["no_shows"]) == (0, 1)
