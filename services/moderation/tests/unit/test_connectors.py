"""The community connectors' path (domain.connectors): which moves it allows and what each needs."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from moderation.domain.connectors import (
    CHECKLIST,
    Connector,
    MoveError,
    districts_of,
    move,
)
from together_contracts.connectors import ConnectorState as State

pytestmark = pytest.mark.unit

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


def fresh() -> Connector:
    return Connector(
        person_id=uuid.uuid4(),
        name="Alex",
        email="alex@example.org",
        home_district="LL57",
        language="en",
        since=NOW,
    )


def along(connector: Connector, *states: State) -> Connector:
    for state in states:
        connector = move(
            connector,
            state,
            at=NOW,
            by="Cerys",
            call_at=NOW,
            checklist=frozenset(CHECKLIST),
            districts=("LL57",),
        )
    return connector


def test_the_whole_path_keeps_each_step() -> None:
    active = along(fresh(), State.CALL_BOOKED, State.TRAINED, State.ACTIVE)

    assert active.state is State.ACTIVE
    assert active.districts == ("LL57",)
    assert [step.state for step in active.steps] == [State.CALL_BOOKED, State.TRAINED, State.ACTIVE]
    assert active.trained


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ((), State.ACTIVE),
        ((), State.TRAINED),
        ((State.CALL_BOOKED,), State.ACTIVE),
        ((State.STEPPED_DOWN,), State.ACTIVE),
    ],
)
def test_no_step_is_skipped(path: tuple[State, ...], to: State) -> None:
    with pytest.raises(MoveError, match="cannot move to"):
        move(along(fresh(), *path), to, at=NOW, by="Cerys", districts=("LL57",))


def test_training_needs_every_item_ticked() -> None:
    booked = along(fresh(), State.CALL_BOOKED)
    with pytest.raises(MoveError, match="Tick every item"):
        move(booked, State.TRAINED, at=NOW, by="Cerys", checklist=frozenset({"policy"}))


def test_active_needs_real_districts_and_not_too_many() -> None:
    trained = along(fresh(), State.CALL_BOOKED, State.TRAINED)
    for districts, said in [
        ((), "at least one"),
        (("LL57", "HOME"), "not postcode districts: HOME"),
        (("LL55", "LL56", "LL57", "LL58", "LL59", "LL60"), "at most 5"),
    ]:
        with pytest.raises(MoveError, match=said):
            move(replace(trained, districts=()), State.ACTIVE, at=NOW, by="C", districts=districts)


def test_stepping_down_leaves_no_districts_and_may_start_again() -> None:
    gone = along(fresh(), State.CALL_BOOKED, State.TRAINED, State.ACTIVE, State.STEPPED_DOWN)
    again = along(gone, State.INTERESTED)

    assert gone.districts == ()
    assert again.state is State.INTERESTED
    assert State.CALL_BOOKED in again.may_go()


def test_districts_are_read_as_people_type_them() -> None:
    assert districts_of(" ll57, LL55;ll57  sa31 ") == ("LL57", "LL55", "SA31")
