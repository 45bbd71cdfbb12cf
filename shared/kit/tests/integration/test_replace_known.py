"""`AggregateCollection.replace_known`: documents written as their caller read them, under the
version read, in one bulk write, on the real store."""

import uuid
from typing import Any

import pytest
from together_contracts import VolunteerRegistered, VolunteerRegisteredData
from together_kit.messaging.outbox import AggregateCollection
from together_kit.runtime import ServiceRuntime

pytestmark = pytest.mark.integration


def registered(person_id: str) -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="tests",
        correlation_id="corr",
        data=VolunteerRegisteredData(
            person_id=uuid.UUID(person_id), name="Ann", email="a@example.org"
        ),
    )


def marked(document: dict[str, Any]) -> bool:
    return "claimed" in document.get("marks", [])


async def stored(people: AggregateCollection, ids: list[str]) -> dict[str, dict[str, Any]]:
    found = people.collection.find({"_id": {"$in": ids}})
    return {document["_id"]: document async for document in found}


async def test_current_copies_are_written_with_their_fields_and_events(
    runtime: ServiceRuntime,
) -> None:
    people = runtime.aggregate("people")
    ids = [str(uuid.uuid4()) for _ in range(3)]
    await people.insert_new([({"_id": i, "marks": []}, []) for i in ids])
    known = await stored(people, ids)

    replaced = await people.replace_known(
        [(known[i], ({"marks": ["claimed"]}, [registered(i)])) for i in ids], holds=marked
    )

    assert sorted(replaced.written) == sorted(ids)
    assert replaced.refused == []
    after = await stored(people, ids)
    for i in ids:
        assert after[i]["marks"] == ["claimed"]
        assert after[i]["version"] == 2
        assert after[i]["outbox_pending"] == 1
        assert after[i]["outbox"][0]["data"]["person_id"] == i


async def test_a_copy_changed_since_it_was_read_is_refused_and_left_as_the_other_writer_made_it(
    runtime: ServiceRuntime,
) -> None:
    people = runtime.aggregate("people")
    fresh, stale, gone = (str(uuid.uuid4()) for _ in range(3))
    await people.insert_new([({"_id": i, "marks": []}, []) for i in (fresh, stale, gone)])
    known = await stored(people, [fresh, stale, gone])
    await people.update(stale, lambda current: ({"marks": ["other"]}, []))
    await people.delete(gone)

    replaced = await people.replace_known(
        [(known[i], ({"marks": ["claimed"]}, [registered(i)])) for i in (fresh, stale, gone)],
        holds=marked,
    )

    assert replaced.written == [fresh]
    assert replaced.refused == [stale]
    after = await stored(people, [fresh, stale, gone])
    assert after[fresh]["marks"] == ["claimed"]
    assert after[fresh]["outbox_pending"] == 1
    assert after[stale]["marks"] == ["other"]
    assert after[stale]["outbox_pending"] == 0
    assert gone not in after


class ThenAnotherWriter:
    """The collection, with another writer's change landing right after each bulk write."""

    def __init__(self, real: Any, after: Any) -> None:
        self.real = real
        self.after = after

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def bulk_write(self, *args: Any, **kwargs: Any) -> Any:
        result = await self.real.bulk_write(*args, **kwargs)
        await self.after()
        return result


async def test_a_written_copy_changed_again_before_the_read_back_still_counts_as_written(
    runtime: ServiceRuntime,
) -> None:
    """Its write is found by the caller's mark (`holds`), not by its version."""
    people = runtime.aggregate("people")
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    await people.insert_new([({"_id": i, "marks": []}, []) for i in (mine, theirs)])
    known = await stored(people, [mine, theirs])
    await people.update(theirs, lambda current: ({"marks": ["other"]}, []))
    real = people.collection

    async def later() -> None:
        people.collection = real
        await people.update(mine, lambda current: ({"marks": [*current["marks"], "later"]}, []))

    people.collection = ThenAnotherWriter(real, later)  # type: ignore[assignment]
    replaced = await people.replace_known(
        [(known[i], ({"marks": ["claimed"]}, [])) for i in (mine, theirs)], holds=marked
    )
    people.collection = real

    assert replaced.written == [mine]
    assert replaced.refused == [theirs]
    after = await stored(people, [mine, theirs])
    assert after[mine]["marks"] == ["claimed", "later"]
    assert after[mine]["version"] == 3
    assert after[theirs]["marks"] == ["other"]


async def test_nothing_to_replace_writes_nothing(runtime: ServiceRuntime) -> None:
    people = runtime.aggregate("people")
    replaced = await people.replace_known([], holds=marked)
    assert (replaced.written, replaced.refused) == ([], [])
