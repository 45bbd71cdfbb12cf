"""Community connectors, as matching knows them: the districts where a volunteer is an active
connector (from moderation's `connector.moved`), and the picture of those districts on their "My
together" (counts, never people)."""

import contextlib
from dataclasses import dataclass
from uuid import UUID

from together_contracts import IntegrationEvent
from together_contracts.connectors import ConnectorMoved, ConnectorState

from matching.domain.calls import Call
from matching.domain.volunteers import Volunteer, VolunteerNotFoundError
from matching.handlers.context import Context
from matching.handlers.gaps import find_gaps


async def note_connector(event: ConnectorMoved, ctx: Context) -> None:
    """Keep where a volunteer is an active community connector (their district picture on "My
    together"); a connector matching does not know as a volunteer is left alone."""
    data = event.data
    districts = tuple(data.districts) if data.state is ConnectorState.ACTIVE else ()

    def keep(volunteer: Volunteer) -> list[IntegrationEvent]:
        volunteer.connector_districts = districts
        return []

    with contextlib.suppress(VolunteerNotFoundError):
        await ctx.volunteers.change(data.person_id, keep)


@dataclass(frozen=True)
class ConnectorDistrict:
    """One district of an active connector's picture: counts, never people."""

    outward_code: str
    unmatched: int
    """Confirmed volunteers there never proposed an event."""
    volunteers: int
    events_in_reach: int
    open_call: Call | None


async def connector_picture(
    person_id: UUID, ctx: Context, *, reach_km: float
) -> list[ConnectorDistrict]:
    """The districts where this volunteer is an active connector (none when they are not one)."""
    volunteer = await ctx.volunteers.get(person_id)
    if volunteer is None or not volunteer.connector_districts:
        return []
    found = {gap.outward_code: gap for gap in await find_gaps(ctx, reach_km=reach_km)}
    calling = await ctx.calls.open_calls()
    picture = []
    for code in volunteer.connector_districts:
        gap = found.get(code)
        picture.append(
            ConnectorDistrict(
                outward_code=code,
                unmatched=await ctx.volunteers.unmatched_in(code),
                volunteers=gap.volunteers if gap else 0,
                events_in_reach=gap.events_in_reach if gap else 0,
                open_call=calling.get(code),
            )
        )
    return picture
