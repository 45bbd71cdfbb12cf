"""Places, the waitlist, giving a place up and forgetting someone, on the event itself."""

import uuid

import pytest
from matching.domain.community_events import Answer, EventStatus

from .test_scoring import event

pytestmark = pytest.mark.unit


def test_places_then_waitlist_in_order() -> None:
    listed = event(places=2)
    people = [uuid.uuid4() for _ in range(4)]
    answers = [listed.answer(p, accept=True) for p in people]
    assert answers == [
        (Answer.ACCEPTED, None),
        (Answer.ACCEPTED, None),
        (Answer.WAITLISTED, 1),
        (Answer.WAITLISTED, 2),
    ]
    assert listed.answer(people[0], accept=True) == (Answer.ACCEPTED, None)


def test_giving_up_a_place_promotes_the_first_waiting() -> None:
    listed = event(places=1)
    first, second, third = (uuid.uuid4() for _ in range(3))
    for person in (first, second, third):
        listed.answer(person, accept=True)
    assert listed.give_up(first) == (True, second)
    assert listed.accepted == [second]
    assert listed.waitlist == [third]
    assert listed.give_up(third) == (True, None)
    assert listed.give_up(uuid.uuid4()) == (False, None)


def test_declining_then_accepting_takes_a_place() -> None:
    listed = event(places=1)
    person = uuid.uuid4()
    assert listed.answer(person, accept=False) == (Answer.DECLINED, None)
    assert listed.answer(person, accept=True) == (Answer.ACCEPTED, None)
    assert listed.declined == []


def test_a_closed_event_takes_no_answers() -> None:
    listed = event(status=EventStatus.CANCELLED)
    assert listed.answer(uuid.uuid4(), accept=True) == (Answer.CLOSED, None)


def test_forgetting_keeps_only_a_count() -> None:
    listed = event(places=1)
    gone, waiting = uuid.uuid4(), uuid.uuid4()
    listed.answer(gone, accept=True)
    listed.answer(waiting, accept=True)
    assert listed.forget(gone) == waiting
    assert gone not in (*listed.accepted, *listed.waitlist, *listed.declined)
    assert listed.erased == 1
    assert listed.forget(uuid.uuid4()) is None
    assert listed.erased == 1


def test_attendance_is_marked_only_for_places_once_begun() -> None:
    listed = event(places=1)
    came, waiting = uuid.uuid4(), uuid.uuid4()
    listed.answer(came, accept=True)
    listed.answer(waiting, accept=True)
    before = listed.starts_at.replace(hour=listed.starts_at.hour - 1)
    assert not listed.mark(came, attended=True, now=before)
    assert listed.mark(came, attended=True, now=listed.starts_at)
    assert not listed.mark(came, attended=True, now=listed.starts_at)
    assert not listed.mark(waiting, attended=True, now=listed.starts_at)
    assert listed.forget(came) == waiting
    assert listed.attendance == {}
