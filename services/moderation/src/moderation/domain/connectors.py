"""Community connectors on their path (issue 22): the coordinators' record of each, and the moves
the path allows.

interested → welcome call booked → trained (every item of the safeguarding checklist ticked)
→ active in one or more districts; an active connector may pause (and come back) or step down,
and anyone may step down at any point; a connector who stepped down may be interested again.
Each move keeps who made it and when, and is told as `connector.moved`.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from together_contracts.connectors import ConnectorState as State
from together_contracts.postcodes import OUTWARD_PATTERN

CHECKLIST: dict[str, str] = {
    "policy": "Has read the coalition's safeguarding policy",
    "concerns": "Knows how to raise a safeguarding concern, and who the safeguarding lead is",
    "public-places": "Meets people in public places, never alone with a child or an adult at risk",
    "privacy": "Keeps people's names, addresses and numbers private; shares only with consent",
    "emergencies": "Knows to call 999 in an emergency, and 101 or the council otherwise",
}
"""The training's safeguarding basics; a connector is trained once every item is ticked."""

MOVES: dict[State, frozenset[State]] = {
    State.INTERESTED: frozenset({State.CALL_BOOKED, State.STEPPED_DOWN}),
    State.CALL_BOOKED: frozenset({State.TRAINED, State.INTERESTED, State.STEPPED_DOWN}),
    State.TRAINED: frozenset({State.ACTIVE, State.STEPPED_DOWN}),
    State.ACTIVE: frozenset({State.ACTIVE, State.PAUSED, State.STEPPED_DOWN}),
    State.PAUSED: frozenset({State.ACTIVE, State.STEPPED_DOWN}),
    State.STEPPED_DOWN: frozenset({State.INTERESTED}),
}
"""Where each state may go next (active to active: a change of districts)."""

MAX_DISTRICTS = 5
_OUTWARD = re.compile(OUTWARD_PATTERN)


class ConnectorNotFoundError(LookupError):
    """No connector has this id."""


class ConcurrentMoveError(RuntimeError):
    """Another coordinator moved this connector since the page was read."""


class MoveError(ValueError):
    """A move the path does not allow, or one missing what it needs; the message says which."""


@dataclass(frozen=True)
class Step:
    state: State
    at: datetime
    by: str


@dataclass(frozen=True)
class Connector:
    person_id: UUID
    name: str
    email: str
    home_district: str
    language: str
    since: datetime
    phone: str | None = None
    source: str = "join-form"
    state: State = State.INTERESTED
    districts: tuple[str, ...] = ()
    call_at: datetime | None = None
    checklist: frozenset[str] = frozenset()
    steps: tuple[Step, ...] = field(default_factory=tuple)

    @property
    def trained(self) -> bool:
        return set(CHECKLIST) <= self.checklist

    def may_go(self) -> list[State]:
        """The states a coordinator may move this connector to, in the path's order (active to
        active changes their districts)."""
        return [state for state in State if state in MOVES[self.state]]


def districts_of(text: str) -> tuple[str, ...]:
    """Outward codes typed as a list ("LL57, LL55"): upper-cased, each once, in order."""
    found: list[str] = []
    for word in re.split(r"[\s,;]+", text.upper()):
        if word and word not in found:
            found.append(word)
    return tuple(found)


def move(
    connector: Connector,
    to: State,
    *,
    at: datetime,
    by: str,
    districts: tuple[str, ...] = (),
    call_at: datetime | None = None,
    checklist: frozenset[str] | None = None,
) -> Connector:
    """The connector after the move; raises `MoveError` saying what is wrong."""
    if to not in MOVES[connector.state]:
        raise MoveError(f"A connector who is {connector.state.value} cannot move to {to.value}.")
    ticked = connector.checklist if checklist is None else checklist & set(CHECKLIST)
    booked = connector.call_at
    active_in = connector.districts
    if to is State.CALL_BOOKED:
        if call_at is None:
            raise MoveError("Enter the day and time of the welcome call.")
        booked = call_at
    if to is State.TRAINED and not set(CHECKLIST) <= ticked:
        raise MoveError("Tick every item of the safeguarding checklist first.")
    if to is State.ACTIVE:
        active_in = districts or connector.districts
        if not active_in:
            raise MoveError("Enter at least one postcode district, like LL57.")
        wrong = [d for d in active_in if not _OUTWARD.fullmatch(d)]
        if wrong:
            raise MoveError(f"These are not postcode districts: {', '.join(wrong)}.")
        if len(active_in) > MAX_DISTRICTS:
            raise MoveError(f"A connector is active in at most {MAX_DISTRICTS} districts.")
    if to in (State.STEPPED_DOWN, State.INTERESTED):
        active_in = ()
    return replace(
        connector,
        state=to,
        checklist=frozenset(ticked),
        call_at=booked,
        districts=active_in,
        steps=(*connector.steps, Step(to, at, by)),
    )
