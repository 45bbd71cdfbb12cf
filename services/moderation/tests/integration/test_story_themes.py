"""The themes of the published stories, found by the periodic job and shown at /stories/themes
(issue 21), on the real store: two clear topics among published stories are both found; stories
not published are left out."""

import uuid

import pytest
from moderation.domain.decisions import Moderator
from moderation.entrypoints.schemas import STORY_EXAMPLE
from moderation.handlers import decisions, themes

from .conftest import Moderation

pytestmark = pytest.mark.integration

GARDENS = [
    "We dug an allotment behind the flats and grew potatoes, beans and tomatoes together.",
    "My neighbour gave me seedlings and now our allotment feeds three families with vegetables.",
    "The community garden became our meeting place: we weeded, watered and shared the tomatoes.",
    "Growing vegetables on the allotment kept us sane; the beans and potatoes did well.",
    "Children planted seedlings in the school garden and learned to water the tomatoes.",
    "We swapped vegetables over the fence, courgettes for potatoes, and the garden grew friendships.",
]
SINGING = [
    "Every Thursday the street sang from the doorsteps; the choir still meets now.",
    "Our choir rehearsed online, then sang on the doorsteps for the whole street.",
    "Music from the balconies: a neighbour played the violin and we all sang along.",
    "The doorstep choir sang for the nurses, and the street joined in every week.",
    "We sang songs on the doorsteps with music from a speaker; the choir was born then.",
    "A violin, a guitar and a choir of neighbours: music kept the street singing.",
]


async def publish(moderation: Moderation, title: str, text: str, region: str = "CF24") -> str:
    body = {
        **STORY_EXAMPLE,
        "title": title,
        "text": text,
        "region": region,
        "email": None,
        "notify_outcome": False,
    }
    response = await moderation.http.post("/api/v1/stories", json=body)
    assert response.status_code == 201, response.text
    story_id = str(response.json()["id"])
    await decisions.approve(uuid.UUID(story_id), Moderator("ann"), ctx=moderation.ctx)
    return story_id


async def test_two_topics_among_published_stories_are_both_found(moderation: Moderation) -> None:
    garden_ids = [
        await publish(moderation, f"Garden {n}", text, "Wales" if n else "CF10")
        for n, text in enumerate(GARDENS)
    ]
    song_ids = [
        await publish(moderation, f"Song {n}", text, "Scotland") for n, text in enumerate(SINGING)
    ]
    unpublished = await moderation.http.post(
        "/api/v1/stories", json={**STORY_EXAMPLE, "text": "Unread story about bicycles."}
    )
    assert unpublished.status_code == 201

    kept = await themes.find_story_themes(moderation.ctx)
    assert kept is not None
    assert kept["stories"] == 12
    [prompt] = kept["prompts"]
    assert prompt["prompt"] == STORY_EXAMPLE["prompt"]
    found = prompt["themes"]
    assert len(found) == 2
    shown = [{story["id"] for story in theme["stories"]} for theme in found]
    assert sorted(map(sorted, shown)) == sorted(
        [sorted(s) for s in shown if s <= set(garden_ids)]
        + [sorted(s) for s in shown if s <= set(song_ids)]
    )
    words = [" ".join(theme["terms"]) for theme in found]
    assert any("allotment" in w or "vegetables" in w or "tomatoes" in w for w in words)
    assert any("choir" in w or "sang" in w or "doorsteps" in w for w in words)
    moderation.clock.advance(hours=2)
    again = await themes.find_story_themes(moderation.ctx)  # the same stories: not redone
    assert again is not None
    assert (again["fingerprint"], again["stories"]) == (kept["fingerprint"], 12)
    assert abs((again["computed_at"] - kept["computed_at"]).total_seconds()) < 1

    page = await moderation.http.get("/stories/themes")
    assert page.status_code == 200
    assert "Theme 1" in page.text
    assert "Theme 2" in page.text
    assert "bicycles" not in page.text
    welsh = await moderation.http.get("/stories/themes", params={"lang": "cy"})
    assert "Thema 1" in welsh.text

    title = "Map of the UK: the leading theme in each nation and region, for “What unites us?”"
    assert '<path id="uk-land" d="M' in page.text
    assert (
        f'<svg class="region-map" viewBox="20 118 480 780" width="100%" role="img" aria-label="{title}"'
        in page.text
    )
    assert f"<title>{title}</title>" in page.text
    gardens = next(
        theme["number"] for theme in found if set(garden_ids) >= {s["id"] for s in theme["stories"]}
    )
    assert f"<title>Wales: Theme {gardens}: 5 of 5 stories</title>" in page.text
    assert "Scotland: Theme" in page.text
    assert "give the first half of a postcode, not a nation or region: 1." in page.text
    assert "<title>Map o'r DU: y brif thema ym mhob gwlad a rhanbarth" in welsh.text
    assert f"<title>Cymru: Thema {gardens}: 5 o 5 stori</title>" in welsh.text


async def test_no_themes_before_there_are_enough_stories(moderation: Moderation) -> None:
    await publish(moderation, "Garden", GARDENS[0])
    assert await themes.find_story_themes(moderation.ctx) is None
    page = await moderation.http.get("/stories/themes")
    assert "not enough published stories" in page.text
