"""`person.erasure_requested`: profile and matches deleted, anonymous counts kept, answered."""

import uuid

import pytest
from bson import json_util
from together_contracts import PersonErasureRequested, PersonErasureRequestedData
from together_kit.testing.probe import EventProbe, publish_event
from together_kit.testing.waiting import eventually

from .conftest import Matching, seen, token_of

pytestmark = pytest.mark.integration


async def everything_stored(matching: Matching) -> str:
    documents = []
    for name in await matching.db.list_collection_names():
        documents += await matching.db[name].find().to_list()
    return json_util.dumps(documents)


async def test_erasure_forgets_the_volunteer_and_passes_their_place_on(
    matching: Matching, probe: EventProbe
) -> None:
    leaving = await matching.confirm_volunteer()
    staying = await matching.confirm_volunteer()
    created = await matching.submit(places=1)
    event_id = created.json()["id"]
    await matching.approve(event_id)
    proposals = await seen(
        probe, "match.proposed", count=2, where=lambda e: e["data"]["event"]["event_id"] == event_id
    )
    by_person = {p["data"]["person_id"]: p["data"]["respond_url"] for p in proposals}
    for person in (leaving, staying):
        await matching.http.post(
            f"/r/{token_of(by_person[str(person)])}", data={"answer": "accept"}
        )

    request = PersonErasureRequested(
        producer="tests",
        correlation_id="erase-test",
        data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), person_id=leaving),
    )
    await publish_event(matching.rabbitmq_url, request)
    answer = await seen(
        probe,
        "person.erased",
        where=lambda e: e["data"]["erasure_id"] == str(request.data.erasure_id),
    )
    assert answer[0]["data"]["service"] == "matching"
    assert str(leaving) not in await eventually(
        lambda: everything_stored(matching),
        until=lambda stored: str(leaving) not in stored,
        what="no trace of the erased person",
    )
    stored = await matching.db["events"].find_one({"_id": event_id})
    assert stored is not None
    assert stored["accepted"] == [str(staying)]
    assert stored["erased"] == 1
    assert stored["proposed"] == 2
    await seen(
        probe,
        "match.accepted",
        where=lambda e: e["data"]["from_waitlist"] and e["data"]["person_id"] == str(staying),
    )

    repeated = request.model_copy(update={"id": uuid.uuid4()})
    await publish_event(matching.rabbitmq_url, repeated)
    await eventually(
        lambda: matching.db["inbox"].count_documents({}), until=lambda n: n >= 5, what="redelivery"
    )
    assert len([e for e in probe.events if e["type"] == "person.erased"]) == 1
