"""Answers by text (`match.answered`, from notifications) take or decline a place through the
same atomic path as the invitation's link, on the real broker and store."""

import asyncio
import uuid
from typing import Any

import pytest
from together_contracts import MatchAnswered, MatchAnsweredData
from together_kit.runtime import ServiceRuntime
from together_kit.testing.probe import EventProbe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Document, Matching, StartMatching, seen, token_of

pytestmark = pytest.mark.integration

QUEUE = "matching.answers"


def answered(proposal: Document, answer: str, **changes: Any) -> MatchAnswered:
    data = {
        "match_id": proposal["match_id"],
        "person_id": proposal["person_id"],
        "answer": answer,
        **changes,
    }
    return MatchAnswered(
        producer="notifications",
        correlation_id=f"text-{uuid.uuid4().hex[:8]}",
        data=MatchAnsweredData.model_validate(data),
    )


def consumed(matching: Matching, outcome: str) -> int:
    """`match.answered` events matching's answers consumer took with this outcome."""
    runtime: ServiceRuntime = matching.app.state.runtime
    return int(
        sum(
            sample.value
            for metric in runtime.metrics.consumed.collect()
            for sample in metric.samples
            if sample.name.endswith("_total")
            and sample.labels.get("queue") == QUEUE
            and sample.labels.get("event_type") == "match.answered"
            and sample.labels.get("outcome") == outcome
        )
    )


async def until_consumed(matching: Matching, outcome: str, count: int) -> None:
    async def taken() -> int:
        return consumed(matching, outcome)

    await eventually(taken, until=lambda n: n >= count, what=f"{count} answers {outcome}")


async def invited(
    matching: Matching, probe: EventProbe, *, volunteers: int, places: int
) -> tuple[str, list[Document]]:
    for _ in range(volunteers):
        await matching.confirm_volunteer()
    created = await matching.submit(places=places)
    event_id = created.json()["id"]
    await matching.approve(event_id)
    found = await seen(
        probe,
        "match.proposed",
        count=volunteers,
        where=lambda e: e["data"]["event"]["event_id"] == event_id,
    )
    return event_id, [p["data"] for p in found]


def about(event_type: str, event_id: str, probe: EventProbe) -> list[Document]:
    return [
        e
        for e in probe.events
        if e["type"] == event_type
        and (e["data"].get("event_id") or e["data"].get("event", {}).get("event_id")) == event_id
    ]


async def test_yes_by_text_takes_the_place_once_however_often_it_arrives(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, (first, second) = await invited(matching, probe, volunteers=2, places=1)
    yes = answered(first, "accept")
    await publish_event(matching.rabbitmq_url, yes)
    [accepted] = await seen(
        probe, "match.accepted", where=lambda e: e["data"]["person_id"] == first["person_id"]
    )
    assert accepted["data"]["outcome"] == "accepted"
    assert accepted["correlation_id"] == yes.correlation_id

    await publish_event(matching.rabbitmq_url, yes)
    await until_consumed(matching, "duplicate", 1)
    await publish_event(matching.rabbitmq_url, answered(first, "accept"))
    await until_consumed(matching, "processed", 2)

    await publish_event(matching.rabbitmq_url, answered(second, "accept"))
    [waiting] = await seen(
        probe, "match.accepted", where=lambda e: e["data"]["person_id"] == second["person_id"]
    )
    assert waiting["data"]["outcome"] == "waitlisted"
    assert waiting["data"]["waitlist_position"] == 1
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["accepted"] == [first["person_id"]]
    assert stored["waitlist"] == [second["person_id"]]
    assert len(about("match.accepted", event_id, probe)) == 2, "the place was told once"


async def test_no_by_text_declines_and_a_place_given_up_goes_to_the_waitlist(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, (first, second, third) = await invited(matching, probe, volunteers=3, places=1)
    await publish_event(matching.rabbitmq_url, answered(third, "decline"))
    [declined] = await seen(
        probe, "match.declined", where=lambda e: e["data"]["person_id"] == third["person_id"]
    )
    assert declined["data"]["withdrawn"] is False

    for proposal in (first, second):
        await matching.http.post(
            f"/r/{token_of(proposal['respond_url'])}", data={"answer": "accept"}
        )
    await publish_event(matching.rabbitmq_url, answered(first, "decline"))
    [promoted] = await seen(
        probe,
        "match.accepted",
        where=lambda e: e["data"]["from_waitlist"] and e["data"]["event"]["event_id"] == event_id,
    )
    assert promoted["data"]["person_id"] == second["person_id"]
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["accepted"] == [second["person_id"]]
    assert third["person_id"] in stored["declined"]


async def test_answers_that_cannot_stand_are_dropped_quietly(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, (first, second) = await invited(matching, probe, volunteers=2, places=1)
    strays = [
        answered(first, "accept", person_id=second["person_id"]),
        answered(first, "accept", match_id=str(uuid.uuid4())),
    ]
    for stray in strays:
        await publish_event(matching.rabbitmq_url, stray)
    await until_consumed(matching, "processed", len(strays))

    assert consumed(matching, "dead") == consumed(matching, "retried") == 0
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert (stored["accepted"], stored["waitlist"], stored["declined"]) == ([], [], [])
    assert about("match.accepted", event_id, probe) == []
    assert about("match.declined", event_id, probe) == []


async def test_an_answer_after_the_event_began_is_dropped(
    matching: Matching, probe: EventProbe
) -> None:
    event_id, (first,) = await invited(matching, probe, volunteers=1, places=1)
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    matching.clock.advance(seconds=(stored["starts_at"] - matching.clock()).total_seconds() + 60)
    await publish_event(matching.rabbitmq_url, answered(first, "accept"))
    await until_consumed(matching, "processed", 1)
    again = await matching.db["events"].find_one({"_id": event_id})
    assert again is not None
    assert again["accepted"] == []


async def test_answers_by_text_and_by_link_at_once_never_give_a_place_twice(
    start_matching: StartMatching, probe: EventProbe
) -> None:
    async with start_matching(proposals_per_place=10) as matching:
        event_id, proposals = await invited(matching, probe, volunteers=12, places=3)
        by_text, by_link = proposals[:6], proposals[6:]
        texts = [publish_event(matching.rabbitmq_url, answered(p, "accept")) for p in by_text]
        links = [
            matching.http.post(f"/r/{token_of(p['respond_url'])}", data={"answer": "accept"})
            for p in by_link
        ]
        await asyncio.gather(*texts, *links)
        told = await eventually(
            lambda: _accepted(probe, event_id),
            until=lambda found: len(found) >= 12,
            what="12 answers",
        )
        outcomes = [e["data"]["outcome"] for e in told]
        assert (outcomes.count("accepted"), outcomes.count("waitlisted")) == (3, 9)
        stored = await matching.db["events"].find_one({"_id": event_id})
        assert stored is not None
        assert len(stored["accepted"]) == 3
        assert len(set(stored["accepted"]) | set(stored["waitlist"])) == 12


async def _accepted(probe: EventProbe, event_id: str) -> list[Document]:
    return about("match.accepted", event_id, probe)
