"""Tombstones (together_kit.erasure): which events are about someone a service has erased."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from together_contracts import (
    PersonErasureRequested,
    PersonErasureRequestedData,
    email_digest,
)
from together_kit.erasure import TOMBSTONES, Tombstones, tombstone
from together_kit.runtime import ServiceRuntime
from together_kit.testing.events import volunteer_registered

pytestmark = pytest.mark.integration

KEY = b"test-erasure-key-of-some-length-0123456789"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


async def test_an_event_naming_an_erased_person_is_covered_and_an_erasure_never(
    runtime: ServiceRuntime,
) -> None:
    erased_person = uuid.uuid4()
    erased_address = "Gone.Away@Example.org"
    digest = email_digest(erased_address, key=KEY)
    await runtime.db[TOMBSTONES].insert_many(
        [
            tombstone(erasure_id=uuid.uuid4(), person_id=erased_person, digest=None, at=NOW),
            tombstone(erasure_id=uuid.uuid4(), person_id=None, digest=digest, at=NOW),
        ]
    )
    tombstones = Tombstones(runtime.db, key=KEY)

    def body(event: object) -> bytes:
        return json.dumps(event).encode()

    by_id = volunteer_registered(person_id=erased_person).model_dump_json().encode()
    by_address = volunteer_registered(email="gone.away@example.org").model_dump_json().encode()
    nested = body({"type": "x.y", "data": {"deep": [{"contact": " GONE.AWAY@example.org "}]}})
    by_digest = body({"type": "x.y", "data": {"email_digest": digest}})
    someone_else = volunteer_registered(email="still.here@example.org").model_dump_json().encode()
    erasure = PersonErasureRequested(
        producer="signups",
        correlation_id="c",
        data=PersonErasureRequestedData(
            erasure_id=uuid.uuid4(), person_id=erased_person, email_digest=digest
        ),
    )

    assert await tombstones.covers(by_id)
    assert await tombstones.covers(by_address)
    assert await tombstones.covers(nested)
    assert await tombstones.covers(by_digest)
    assert not await tombstones.covers(someone_else)
    assert not await tombstones.covers(erasure.model_dump_json().encode())
    assert not await tombstones.covers(b"not json")
