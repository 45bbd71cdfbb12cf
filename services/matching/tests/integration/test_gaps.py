"""The gap finder on the real store: the API ranks districts; /gaps draws them."""

import pytest
from together_kit.testing.probe import EventProbe

from .conftest import Matching, seen

pytestmark = pytest.mark.integration


async def test_districts_are_ranked_and_drawn(matching: Matching, probe: EventProbe) -> None:
    for _ in range(3):
        await matching.confirm_volunteer(outward_code="M1")
    await matching.confirm_volunteer(outward_code="CF10", interests=["sport"])
    event_id = (await matching.submit(postcode="CF10 1AA")).json()["id"]
    await matching.approve(event_id)
    await seen(probe, "event.published", where=lambda e: e["data"]["event"]["event_id"] == event_id)

    response = await matching.http.get("/api/v1/gaps", params={"reach_km": 10})
    assert response.status_code == 200
    ranked = [(g["outward_code"], g["volunteers"], g["events_in_reach"]) for g in response.json()]
    assert ranked == [("M1", 3, 0), ("CF10", 1, 1)]

    page = await matching.http.get("/gaps")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert page.text.count('class="gap gap-none"') == 1
    assert page.text.count('class="gap gap-few"') == 1
    assert page.text.count("<circle") > 3000
    assert "GeoNames" in page.text
    assert '<th scope="row">M1</th>' in page.text
