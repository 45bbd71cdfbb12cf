"""Community connectors (domain.connectors): signups' `connector.interested` starts one on the
path; coordinators move them along it in the moderator UI; each step is written with its
`connector.moved`, which tells the connector (notifications) and matching."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from together_contracts import CallClosed, CallOpened
from together_contracts.connectors import (
    ConnectorInterested,
    ConnectorMoved,
    ConnectorMovedData,
    ConnectorState,
)

from moderation.domain.connectors import Connector, ConnectorNotFoundError, Step, move
from moderation.domain.ports import ConnectorRepository
from moderation.handlers.context import PRODUCER, Context

SIGNUPS = "signups"
"""Who made a connector's first step: the volunteer themselves, through signups."""


def connectors_of(ctx: Context) -> ConnectorRepository:
    if ctx.connectors is None:
        raise RuntimeError("this moderation has no connectors store")
    return ctx.connectors


async def receive_interest(event: ConnectorInterested, ctx: Context) -> bool:
    """Start a connector on the path (told as `connector.moved` to interested); False when they
    were one already."""
    data = event.data
    now = ctx.clock()
    connector = Connector(
        person_id=data.person_id,
        name=data.name,
        email=data.email,
        phone=data.phone,
        home_district=data.outward_code,
        language=data.language,
        since=now,
        source=data.source,
        steps=(Step(ConnectorState.INTERESTED, now, SIGNUPS),),
    )
    return await connectors_of(ctx).add(connector, [moved(connector, None, event.correlation_id)])


@dataclass(frozen=True)
class Move:
    to: ConnectorState
    by: str
    districts: tuple[str, ...] = ()
    call_at: datetime | None = None
    checklist: frozenset[str] | None = None


async def move_connector(person_id: UUID, command: Move, ctx: Context) -> Connector:
    """Move a connector; raises domain.connectors' `MoveError` (what is wrong) or
    `ConnectorNotFoundError`."""
    store = connectors_of(ctx)
    connector = await store.get(person_id)
    if connector is None:
        raise ConnectorNotFoundError(str(person_id))
    after = move(
        connector,
        command.to,
        at=ctx.clock(),
        by=command.by,
        districts=command.districts,
        call_at=command.call_at,
        checklist=command.checklist,
    )
    await store.save(after, [moved(after, connector.state, f"connector-{person_id}")])
    return after


def moved(
    connector: Connector, previous: ConnectorState | None, correlation_id: str
) -> ConnectorMoved:
    return ConnectorMoved(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=ConnectorMovedData(
            person_id=connector.person_id,
            state=connector.state,
            previous=previous,
            districts=list(connector.districts),
            call_at=connector.call_at,
            language="cy" if connector.language == "cy" else "en",
            moved_at=connector.steps[-1].at,
        ),
    )


async def connector_of(person_id: UUID, ctx: Context) -> Connector:
    found = await connectors_of(ctx).get(person_id)
    if found is None:
        raise ConnectorNotFoundError(str(person_id))
    return found


@dataclass(frozen=True)
class Uncovered:
    """A district with no active connector that needs one: a call to action is open there, or
    connectors live there who are not active yet."""

    outward_code: str
    call_since: datetime | None
    living_there: int
    """Connectors who live there, not active anywhere."""


@dataclass(frozen=True)
class Overview:
    """The coordinators' page: connectors by state, and the districts with no active connector
    that need one (those with an open call to action first, oldest call first)."""

    by_state: dict[ConnectorState, list[Connector]]
    uncovered: list[Uncovered]
    active_districts: dict[str, list[Connector]]


async def overview(ctx: Context) -> Overview:
    store = connectors_of(ctx)
    every = await store.all()
    by_state: dict[ConnectorState, list[Connector]] = {state: [] for state in ConnectorState}
    active: dict[str, list[Connector]] = defaultdict(list)
    waiting: Counter[str] = Counter()
    for connector in every:
        by_state[connector.state].append(connector)
        if connector.state is ConnectorState.ACTIVE:
            for district in connector.districts:
                active[district].append(connector)
        elif connector.state is not ConnectorState.STEPPED_DOWN:
            waiting[connector.home_district] += 1
    calls = await store.open_calls()
    needing = (set(calls) | set(waiting)) - set(active)
    uncovered = sorted(
        (Uncovered(code, calls.get(code), waiting[code]) for code in needing),
        key=lambda u: (
            u.call_since is None,
            u.call_since or datetime.max.replace(tzinfo=UTC),
            u.outward_code,
        ),
    )
    return Overview(by_state=by_state, uncovered=uncovered, active_districts=dict(active))


async def note_call_opened(event: CallOpened, ctx: Context) -> None:
    data = event.data
    await connectors_of(ctx).call_opened(
        data.outward_code, call_id=data.call_id, since=data.opened_at
    )


async def note_call_closed(event: CallClosed, ctx: Context) -> None:
    await connectors_of(ctx).call_closed(event.data.call_id)
