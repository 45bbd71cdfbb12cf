"""Calls to action on the real store and broker (issue 22, point 3): a district whose confirmed
volunteers have had no event in reach for the weeks the settings allow opens a call (once,
however often the review runs), told as `call.opened` with counts and the district only; the gap
map, the district's page and the API show it; an event published in reach closes it
(`call.closed`), and the coalition's page shows how long it stayed open."""

from datetime import UTC, datetime, timedelta

import pytest
from matching.handlers import calls
from together_kit.testing.probe import EventProbe, event_probe

from .conftest import Matching, seen

pytestmark = pytest.mark.integration

WEEKS = timedelta(weeks=4)


def later_event(**changes: object) -> dict[str, object]:
    """A listing that is still upcoming after the test moves the clock on by weeks."""
    starts = (datetime.now(UTC) + timedelta(days=60)).replace(hour=12, minute=0, microsecond=0)
    return {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        **changes,
    }


async def publish(matching: Matching, probe: EventProbe, postcode: str) -> None:
    event_id = (await matching.submit(**later_event(postcode=postcode))).json()["id"]
    await matching.approve(event_id)
    await seen(probe, "event.published", where=lambda e: e["data"]["event"]["event_id"] == event_id)


async def test_a_lasting_gap_opens_a_call_and_an_event_in_reach_closes_it(
    matching: Matching, probe: EventProbe, rabbitmq_url: str
) -> None:
    async with event_probe(rabbitmq_url, ("call.*",)) as told:
        for outward_code in ("LL57", "LL57", "M1"):
            await matching.confirm_volunteer(outward_code=outward_code)
        await publish(matching, probe, "M1 1AE")

        first = await calls.review_calls(matching.ctx, reach_km=10, after=WEEKS)
        assert (first.opened, first.closed) == (0, 0)
        streaks = await matching.db["gap_streaks"].find().to_list()
        assert [s["_id"] for s in streaks] == ["LL57"], "M1 has an event in reach"

        matching.clock.advance(weeks=4)
        opened = await calls.review_calls(matching.ctx, reach_km=10, after=WEEKS)
        again = await calls.review_calls(matching.ctx, reach_km=10, after=WEEKS)

        assert (opened.opened, again.opened) == (1, 0)
        [call] = await seen(told, "call.opened", where=lambda e: True)
        assert call["data"]["outward_code"] == "LL57"
        assert call["data"]["volunteers"] == 2
        assert set(call["data"]) == {
            "call_id",
            "outward_code",
            "volunteers",
            "reach_km",
            "gap_since",
            "opened_at",
        }, "districts and counts only: no person"

        gap_map = (await matching.http.get("/gaps")).text
        assert 'class="gap gap-none call-open"' in gap_map
        open_calls = gap_map.partition('id="open-calls"')[2].partition("</table>")[0]
        assert '<a href="/gaps/districts/LL57">LL57</a>' in open_calls
        district = await matching.http.get("/gaps/districts/ll57")
        assert district.status_code == 200
        assert "A call to action is open here" in district.text
        assert "2 volunteers who live here have been waiting" in district.text
        assert 'href="/events/new?postcode=LL57"' in district.text
        form = (await matching.http.get("/events/new", params={"postcode": "LL57"})).text
        assert 'value="LL57 "' in form
        api = (await matching.http.get("/api/v1/calls")).json()
        assert api["figures"] == {
            "opened": 1,
            "closed": 0,
            "open": 1,
            "median_days_open": None,
            "longest_days_open": None,
        }

        await publish(matching, probe, "LL57 2PW")
        matching.clock.advance(days=3)
        closing = await calls.review_calls(matching.ctx, reach_km=10, after=WEEKS)

        assert closing.closed == 1
        [closed] = await seen(told, "call.closed", where=lambda e: True)
        assert closed["data"]["call_id"] == call["data"]["call_id"]
        assert closed["data"]["events_in_reach"] == 1
        assert await matching.db["gap_streaks"].count_documents({}) == 0
        page = (await matching.http.get("/gaps/calls")).text
        assert "<strong>1</strong> calls opened" in page
        assert "<strong>0</strong> open now" in page
        assert "<strong>3.0</strong> days open, the middle of the closed calls" in page
        district = (await matching.http.get("/gaps/districts/LL57")).text
        assert "A call to action is open here" not in district
        assert "Upcoming events within 10 km: 1." in district


async def test_a_district_nobody_knows_is_a_page_not_an_error(matching: Matching) -> None:
    for code in ("ZZ99", "not-a-district"):
        page = await matching.http.get(f"/gaps/districts/{code}")
        assert page.status_code == 404
        assert "No such postcode district" in page.text
