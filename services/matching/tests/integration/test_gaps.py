"""The gap finder on the real store: the API ranks districts; /gaps draws them on the UK's
outline, lists only the real gaps and zooms to a nation or region."""

import re

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
    assert "GeoNames" in page.text
    assert "Natural Earth" in page.text
    assert '<th scope="row"><a href="/gaps/districts/M1">M1</a></th>' in page.text


def biggest_gaps(html: str) -> list[str]:
    table = html.partition('id="biggest-gaps"')[2].partition("</table>")[0]
    row = r'<th scope="row"><a href="/gaps/districts/[A-Z0-9]+">([A-Z0-9]+)</a></th>'
    return re.findall(row, table)


def view_box(html: str) -> list[float]:
    found = re.search(r'<svg class="gap-map" viewBox="([^"]+)"', html)
    assert found is not None
    return [float(n) for n in found[1].split()]


def centre_of(html: str, district: str) -> tuple[float, float]:
    found = re.search(rf'cx="([0-9.]+)" cy="([0-9.]+)" r="[0-9.]+"><title>{district} ', html)
    assert found is not None
    return float(found[1]), float(found[2])


async def test_the_map_has_the_uk_outline_and_a_key(matching: Matching) -> None:
    await matching.confirm_volunteer(outward_code="EH1")
    page = (await matching.http.get("/gaps")).text
    outline = re.search(r'<path class="land" d="M([0-9. L]+)Z', page)
    assert outline is not None
    assert len(outline[1].split("L")) > 200
    assert '<path class="land-near"' in page
    key = page.partition('class="legend"')[2].partition("</section>")[0]
    for words in (
        "no events in reach",
        "one or two",
        "three or more",
        "1 volunteer",
        "50 volunteers",
    ):
        assert words in key
    for colour in ("gap-none", "gap-few", "gap-some"):
        assert f'<circle class="{colour}" r="8"' in key


async def test_the_biggest_gaps_are_districts_with_volunteers_and_no_event_in_reach(
    matching: Matching, probe: EventProbe
) -> None:
    for outward_code in ("M1", "M1", "CF10", "EH1", "EH1", "EH1", "LL57"):
        await matching.confirm_volunteer(outward_code=outward_code)
    for postcode in ("M1 1AE", "SW1A 1AA"):
        event_id = (await matching.submit(postcode=postcode)).json()["id"]
        await matching.approve(event_id)
        await seen(
            probe,
            "event.published",
            where=lambda e, i=event_id: e["data"]["event"]["event_id"] == i,
        )

    page = (await matching.http.get("/gaps", params={"reach_km": 10})).text
    assert biggest_gaps(page) == ["EH1", "CF10", "LL57"]
    assert "<td>Edinburgh</td>" in page

    wales = (await matching.http.get("/gaps", params={"area": "wales"})).text
    assert biggest_gaps(wales) == ["CF10", "LL57"]
    assert 'href="/gaps?reach_km=10&amp;area=wales" aria-current="page"' in wales
    x, y, width, height = view_box(wales)
    whole = view_box(page)
    assert width < whole[2] / 2
    assert height < whole[3] / 2
    for district in ("CF10", "LL57"):
        cx, cy = centre_of(wales, district)
        assert x <= cx <= x + width
        assert y <= cy <= y + height
    assert not y <= centre_of(wales, "EH1")[1] <= y + height

    london = (await matching.http.get("/gaps", params={"area": "london"})).text
    assert biggest_gaps(london) == []
    assert "Every district where volunteers live here has an event within 10 km." in london
