"""talk/together through the real API, store and broker (issue 21).

A lead opens a conversation with planted statements; forty participants, each only a cookie,
vote through the API in two planted opinion groups; the analysis finds the two groups, the
planted consensus as what unites and the planted split as what divides. A participant's own
statement waits for a moderator before anyone can vote on it, and is told as events.
"""

import csv
import io
import random
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from markupsafe import escape
from moderation.domain.decisions import Moderator
from moderation.handlers import decisions, talk
from together_kit.testing.probe import event_probe

from .conftest import Moderation, StartModeration

pytestmark = pytest.mark.integration

ADMIN_KEY = "admin-key-for-talk-tests"
ADMIN = {"X-API-Key": ADMIN_KEY}
UNITE = ["Neighbours checking on each other should carry on.", "Key workers deserve thanks."]
SIDE_A = [f"More money should go to side A's cause number {n}." for n in range(4)]
SIDE_B = [f"Side B's way is better for the town, point {n}." for n in range(4)]


@pytest.fixture
async def talking(start_moderation: StartModeration) -> AsyncIterator[Moderation]:
    async with start_moderation(admin_api_key=ADMIN_KEY, talk_rate_limit="10000/minute") as app:
        yield app


async def open_conversation(moderation: Moderation, seeds: list[str]) -> dict[str, Any]:
    response = await moderation.http.post(
        "/api/v1/talk",
        json={
            "question": "What would bring your community closer after lockdown?",
            "description": "Say it in a sentence; vote on what others say.",
            "seeds": seeds,
        },
        headers=ADMIN,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def participant(moderation: Moderation) -> httpx.AsyncClient:
    """A browser of its own: its cookie is the participant."""
    return moderation.client()


async def test_two_planted_groups_are_found_with_what_unites_and_what_divides(
    talking: Moderation,
) -> None:
    conversation = await open_conversation(talking, [*UNITE, *SIDE_A, *SIDE_B])
    ids = {s["text"]: s["id"] for s in conversation["statements"]}
    url = f"/api/v1/talk/{conversation['id']}"
    noise = random.Random(11)  # noqa: S311 (test data, not secrecy)

    for n in range(20):
        ours, theirs = (SIDE_A, SIDE_B) if n % 2 == 0 else (SIDE_B, SIDE_A)
        wanted = {**dict.fromkeys(UNITE, "agree"), **dict.fromkeys(ours, "agree")}
        wanted |= dict.fromkeys(theirs, "disagree")
        async with participant(talking) as browser:
            while True:
                shown = (await browser.get(f"{url}/next")).json()
                if shown["statement"] is None:
                    break
                text = shown["statement"]["text"]
                vote = wanted[text] if noise.random() > 0.05 else "pass"
                answer = await browser.put(
                    f"{url}/votes/{shown['statement']['id']}", json={"vote": vote}
                )
                assert answer.status_code == 204, answer.text
            assert shown["voted"] == shown["total"] == 10

    response = await talking.http.post(f"{url}/analysis", headers=ADMIN)
    assert response.status_code == 200, response.text
    results = (await talking.http.get(f"{url}/results")).json()

    assert results["participants"] == 20
    assert [group["size"] for group in results["groups"]] == [10, 10]
    assert {s["id"] for s in results["consensus"]} == {ids[text] for text in UNITE}
    assert {s["id"] for s in results["divisive"]} == {ids[t] for t in SIDE_A + SIDE_B}
    sides = [{r["text"] for r in group["representative"]} for group in results["groups"]]
    assert sorted(sides, key=sorted) == sorted([set(SIDE_A), set(SIDE_B)], key=sorted)
    assert all(set(point) == {"group", "x", "y"} for point in results["points"])
    assert "k-means" in results["method"]
    table = csv.DictReader(io.StringIO((await talking.http.get(f"{url}/export/results.csv")).text))
    stands = {row["statement"]: row["stands"] for row in table}
    assert stands == {ids[t]: "unites" for t in UNITE} | {
        ids[t]: "divides" for t in SIDE_A + SIDE_B
    }


async def test_a_participants_statement_is_voted_on_only_once_approved(
    talking: Moderation, rabbitmq_url: str
) -> None:
    conversation = await open_conversation(talking, UNITE)
    url = f"/api/v1/talk/{conversation['id']}"
    async with (
        event_probe(rabbitmq_url, ["statement.*"]) as probe,
        participant(talking) as author,
        participant(talking) as voter,
    ):
        added = await author.post(
            f"{url}/statements", json={"text": "  The   library should open on Sundays.  "}
        )
        assert added.status_code == 201, added.text
        statement_id = added.json()["id"]
        assert added.json()["status"] == "pending"

        early = await voter.put(f"{url}/votes/{statement_id}", json={"vote": "agree"})
        assert early.status_code == 404
        shown = (await talking.http.get(url)).json()
        assert statement_id not in {s["id"] for s in shown["statements"]}
        assert shown["waiting"] == 1

        item = await talking.db["items"].find_one({"_id": statement_id})
        assert item is not None
        assert item["kind"] == "statement"
        assert item["text"] == "The library should open on Sundays."
        assert item["participant"] != ""
        await decisions.approve(uuid.UUID(statement_id), Moderator("ann"), ctx=talking.ctx)

        later = await voter.put(f"{url}/votes/{statement_id}", json={"vote": "agree"})
        assert later.status_code == 204, later.text
        again = await voter.put(f"{url}/votes/{statement_id}", json={"vote": "disagree"})
        assert again.status_code == 204
        events = await probe.wait_for(2)
    stored = await talking.db["votes"].find({"statement": statement_id}).to_list()
    assert [vote["value"] for vote in stored] == [-1]
    submitted, approved = (e for e in events if e["data"]["statement_id"] == statement_id)
    assert submitted["type"] == "statement.submitted"
    assert "text" not in submitted["data"]
    assert approved["type"] == "statement.approved"
    assert approved["data"]["text"] == "The library should open on Sundays."
    assert approved["data"]["conversation_id"] == conversation["id"]


async def test_bad_requests_get_clear_answers(talking: Moderation) -> None:
    conversation = await open_conversation(talking, UNITE)
    url = f"/api/v1/talk/{conversation['id']}"
    refused = await talking.http.post("/api/v1/talk", json={"question": "Why?"})
    assert refused.status_code == 401
    too_long = await talking.http.post(f"{url}/statements", json={"text": "x" * 141})
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"] == ["body", "text"]
    bad_vote = await talking.http.put(
        f"{url}/votes/{conversation['statements'][0]['id']}", json={"vote": "maybe"}
    )
    assert bad_vote.status_code == 422
    unknown = await talking.http.get(f"/api/v1/talk/{uuid.uuid4()}")
    assert unknown.status_code == 404
    no_results = await talking.http.get(f"{url}/results")
    assert no_results.status_code == 404


async def test_the_pages_take_votes_and_statements_without_javascript(talking: Moderation) -> None:
    conversation = await open_conversation(talking, UNITE)
    page_url = f"/talk/{conversation['id']}"
    async with participant(talking) as browser:
        listed = await browser.get("/talk")
        assert conversation["question"] in listed.text
        first = await browser.get(page_url)
        assert first.status_code == 200
        assert "together_talk" in first.cookies
        assert UNITE[0] in first.text
        statement_id = conversation["statements"][0]["id"]
        voted = await browser.post(
            f"{page_url}/vote", data={"statement": statement_id, "vote": "agree"}
        )
        assert voted.status_code == 303
        second = await browser.get(page_url)
        assert UNITE[1] in second.text
        assert UNITE[0] not in second.text

        empty = await browser.post(f"{page_url}/statements", data={"text": "   "})
        assert empty.status_code == 422
        assert 'aria-invalid="true"' in empty.text
        added = await browser.post(f"{page_url}/statements", data={"text": "Parks matter."})
        assert added.status_code == 303
        thanked = await browser.get(added.headers["location"])
        assert "A moderator will read your statement" in thanked.text

        welsh = await browser.get(page_url, params={"lang": "cy"})
        assert "Ydych chi" in welsh.text
        assert "Anghytuno" in welsh.text
    stored = await talking.db["votes"].find({"statement": statement_id}).to_list()
    assert [vote["value"] for vote in stored] == [1]

    await talking.http.post(f"/api/v1/talk/{conversation['id']}/analysis", headers=ADMIN)
    results = await talking.http.get(f"{page_url}/results")
    assert results.status_code == 200
    assert "<svg" in results.text
    assert "opinion-map" in results.text
    missing = await talking.http.get(f"/talk/{uuid.uuid4()}")
    assert missing.status_code == 404


async def vote_as(moderation: Moderation, url: str, people: int) -> None:
    """`people` new participants vote on every statement shown to them: the n-th agrees with
    the first n % 7 shown and disagrees with the rest (so most can be told apart by their votes)."""
    for person in range(people):
        async with participant(moderation) as browser:
            shown_before = 0
            while (shown := (await browser.get(f"{url}/next")).json())["statement"]:
                vote = "agree" if shown_before < person % 7 else "disagree"
                await browser.put(f"{url}/votes/{shown['statement']['id']}", json={"vote": vote})
                shown_before += 1


async def test_the_open_data_numbers_participants_afresh_in_each_export(
    talking: Moderation,
) -> None:
    conversation = await open_conversation(talking, [*UNITE, *SIDE_A])
    url = f"/api/v1/talk/{conversation['id']}"
    await vote_as(talking, url, 8)
    await talking.http.post(f"{url}/analysis", headers=ADMIN)

    first = (await talking.http.get(f"{url}/export")).json()
    second = (await talking.http.get(f"{url}/export")).json()
    assert first["licence"] == "CC BY 4.0"
    assert len(first["votes"]) == 8 * 6
    assert {vote["participant"] for vote in first["votes"]} == set(range(1, 9))
    stored = {vote["participant"] for vote in await talking.db["votes"].find().to_list()}
    assert not stored & {str(vote["participant"]) for vote in first["votes"]}

    def agreed(export: dict[str, Any]) -> list[int]:
        """How many statements each participant number agreed with, by number."""
        count = dict.fromkeys(range(1, 9), 0)
        for vote in export["votes"]:
            count[vote["participant"]] += vote["vote"] == "agree"
        return [count[number] for number in range(1, 9)]

    assert sorted(agreed(first)) == sorted(agreed(second)) == [0, 0, 1, 2, 3, 4, 5, 6]
    assert agreed(first) != agreed(second)  # the same people, numbered afresh
    assert first["results"]["participants"] == 8

    votes_csv = await talking.http.get(f"{url}/export/votes.csv")
    assert votes_csv.status_code == 200
    assert votes_csv.headers["content-type"].startswith("text/csv")
    lines = votes_csv.text.splitlines()
    assert lines[0] == "participant,region,statement,vote"
    assert len(lines) == 1 + 8 * 6
    results_csv = (await talking.http.get(f"{url}/export/results.csv")).text.splitlines()
    assert results_csv[0].startswith("statement,text,stands,agree_overall,agree_group_1")
    assert len(results_csv) == 1 + 6
    missing = await talking.http.get(f"{url}/export/people.csv")
    assert missing.status_code == 422


async def test_the_periodic_analysis_redoes_a_conversation_only_when_votes_grew_enough(
    talking: Moderation,
) -> None:
    conversation = await open_conversation(talking, [*UNITE, *SIDE_A])
    url = f"/api/v1/talk/{conversation['id']}"
    ctx = talking.ctx
    assert await talk.analyse_changed(ctx) == 0  # no votes: nothing to analyse
    await vote_as(talking, url, 4)
    assert await talk.analyse_changed(ctx) == 1
    first = (await talking.http.get(f"{url}/results")).json()
    assert first["participants"] == 4

    await vote_as(talking, url, 1)  # 6 more votes: too few to move the groups
    assert await talk.analyse_changed(ctx) == 0
    await vote_as(talking, url, 3)  # 24 since the last results
    assert await talk.analyse_changed(ctx) == 1
    assert (await talking.http.get(f"{url}/results")).json()["participants"] == 8


async def test_agreement_by_region_from_those_who_told_it(talking: Moderation) -> None:
    conversation = await open_conversation(talking, [*UNITE, SIDE_A[0]])
    url = f"/api/v1/talk/{conversation['id']}"
    split = conversation["statements"][2]["id"]
    for n in range(10):
        region, vote = ("Wales", "agree") if n < 4 else ("London", "disagree")
        async with participant(talking) as browser:
            if n < 8:  # two keep their region to themselves
                told = await browser.put(
                    "/api/v1/talk/me", json={"region": region, "age_band": "25-34"}
                )
                assert told.status_code == 204, told.text
            for statement in conversation["statements"]:
                wanted = vote if statement["id"] == split else "agree"
                await browser.put(f"{url}/votes/{statement['id']}", json={"vote": wanted})
        refused = await talking.http.put("/api/v1/talk/me", json={"region": "Atlantis"})
        assert refused.status_code == 422

    await talking.http.post(f"{url}/analysis", headers=ADMIN)
    results = (await talking.http.get(f"{url}/results")).json()
    assert results["by_region"][split] == {
        "London": {"agree": 0.0, "votes": 4},
        "Wales": {"agree": 1.0, "votes": 4},
    }
    export = (await talking.http.get(f"{url}/export")).json()
    regions = [vote["region"] for vote in export["votes"] if vote["statement"] == split]
    assert sorted(regions) == ["", "", *["London"] * 4, *["Wales"] * 4]
    assert "25-34" not in str(export)

    page = await talking.http.get(f"/talk/{conversation['id']}/results")
    assert "Agreement by nation and region" in page.text
    assert "Wales" in page.text
    assert '<path id="uk-land" d="M' in page.text
    [statement] = [s["text"] for s in conversation["statements"] if s["id"] == split]
    title = f"Map of the UK: how many agree with “{statement}”, by nation and region"
    assert '<svg class="region-map"' in page.text
    assert f"<title>{escape(title)}</title>" in page.text
    assert "<title>Wales: 100% agree (4 votes)</title>" in page.text
    assert "<title>London: 0% agree (4 votes)</title>" in page.text
    assert "<title>Scotland: fewer than 3 votes</title>" in page.text
    welsh = await talking.http.get(f"/talk/{conversation['id']}/results", params={"lang": "cy"})
    assert "<title>Cymru: 100% yn cytuno (4 pleidlais)</title>" in welsh.text


async def test_the_page_asks_once_where_people_are(talking: Moderation) -> None:
    conversation = await open_conversation(talking, UNITE)
    page_url = f"/talk/{conversation['id']}"
    async with participant(talking) as browser:
        assert "Where are you?" not in (await browser.get(page_url)).text  # before any vote
        statement_id = conversation["statements"][0]["id"]
        await browser.post(f"{page_url}/vote", data={"statement": statement_id, "vote": "agree"})
        assert "Where are you?" in (await browser.get(page_url)).text
        declined = await browser.post(f"{page_url}/about", data={"skip": "1"})
        assert declined.status_code == 303
        assert "Where are you?" not in (await browser.get(page_url)).text
    stored = await talking.db["talk_participants"].find().to_list()
    assert [(p["region"], p["age_band"]) for p in stored] == [(None, None)]
