"""Invitation short codes on the real store: one code per invitation whatever redelivers it,
found only with the number it was sent to and only while it is open."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from notifications.adapters.text_codes import MongoTextCodes
from notifications.domain.text_codes import ALPHABET, LENGTH
from pymongo.asynchronous.database import AsyncDatabase

from .conftest import Clock, Document

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
async def codes(inspector: AsyncDatabase[Document]) -> AsyncIterator[tuple[MongoTextCodes, Clock]]:
    clock = Clock(NOW)
    collection = inspector[f"text_codes_{uuid.uuid4().hex[:8]}"]
    codes = MongoTextCodes(collection, clock=clock)
    await codes.ensure_indexes()
    try:
        yield codes, clock
    finally:
        await collection.drop()


def ids() -> tuple[str, str, str]:
    return str(uuid.uuid4()), str(uuid.uuid4()), uuid.uuid4().hex


async def test_an_invitation_keeps_its_code_under_redelivery(
    codes: tuple[MongoTextCodes, Clock],
) -> None:
    text_codes, _ = codes
    match_id, person_id, number = ids()
    until = NOW + timedelta(days=3)

    issued = await asyncio.gather(
        *(
            text_codes.issue(
                match_id=match_id, person_id=person_id, phone_digest=number, expires_at=until
            )
            for _ in range(5)
        )
    )

    assert len(set(issued)) == 1
    [code] = set(issued)
    assert len(code) == LENGTH
    assert set(code) <= set(ALPHABET)
    assert await text_codes.collection.count_documents({"match_id": match_id}) == 1


async def test_a_code_is_found_with_its_own_number_only_and_in_any_case(
    codes: tuple[MongoTextCodes, Clock],
) -> None:
    text_codes, _ = codes
    match_id, person_id, number = ids()
    code = await text_codes.issue(
        match_id=match_id, person_id=person_id, phone_digest=number, expires_at=NOW + timedelta(1)
    )

    found = await text_codes.find(code.lower(), phone_digest=number)

    assert found is not None
    assert (found.match_id, found.person_id, found.code) == (match_id, person_id, code)
    assert await text_codes.find(code, phone_digest=uuid.uuid4().hex) is None


async def test_one_number_gets_distinct_codes_for_its_open_invitations(
    codes: tuple[MongoTextCodes, Clock],
) -> None:
    text_codes, _ = codes
    number, person_id = uuid.uuid4().hex, str(uuid.uuid4())
    until = NOW + timedelta(days=3)

    issued = [
        await text_codes.issue(
            match_id=str(uuid.uuid4()), person_id=person_id, phone_digest=number, expires_at=until
        )
        for _ in range(30)
    ]

    assert len(set(issued)) == 30
    assert len(await text_codes.open_for(number)) == 30


async def test_an_expired_code_is_not_found_and_is_removed(
    codes: tuple[MongoTextCodes, Clock],
) -> None:
    text_codes, clock = codes
    match_id, person_id, number = ids()
    code = await text_codes.issue(
        match_id=match_id,
        person_id=person_id,
        phone_digest=number,
        expires_at=NOW + timedelta(hours=1),
    )
    clock.now = NOW + timedelta(hours=2)

    assert await text_codes.find(code, phone_digest=number) is None
    assert await text_codes.open_for(number) == []
    assert await text_codes.collection.count_documents({"phone_digest": number}) == 0


async def test_erasure_and_an_answer_close_codes(codes: tuple[MongoTextCodes, Clock]) -> None:
    text_codes, _ = codes
    until = NOW + timedelta(days=3)
    person_id, number = str(uuid.uuid4()), uuid.uuid4().hex
    answered, other = str(uuid.uuid4()), str(uuid.uuid4())
    for match_id in (answered, other):
        await text_codes.issue(
            match_id=match_id, person_id=person_id, phone_digest=number, expires_at=until
        )

    await text_codes.close(answered)
    assert [entry.match_id for entry in await text_codes.open_for(number)] == [other]

    await text_codes.forget_person(person_id)
    assert await text_codes.open_for(number) == []

    await text_codes.issue(
        match_id=str(uuid.uuid4()), person_id=person_id, phone_digest=number, expires_at=until
    )
    await text_codes.forget_number(number)
    assert await text_codes.open_for(number) == []
