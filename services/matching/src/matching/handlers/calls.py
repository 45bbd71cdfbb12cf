"""Calls to action (domain.calls): the periodic review that opens a call where a gap has lasted
and closes it once an event is in reach, and what the pages show of calls."""

from dataclasses import dataclass
from datetime import timedelta

from together_contracts import CallClosed, CallClosedData, CallOpened, CallOpenedData

from matching.domain.calls import Call, CallFigures, figures, review
from matching.domain.gaps import Gap
from matching.handlers.context import PRODUCER, Context
from matching.handlers.gaps import find_gaps

COUNTED_CALLS = 10_000
"""The figures count at most this many calls, newest first (a district opens at most one call
per gap, and there are about 3,000 districts)."""


@dataclass(frozen=True)
class Reviewed:
    opened: int
    closed: int


async def review_calls(ctx: Context, *, reach_km: float, after: timedelta) -> Reviewed:
    """Open a call for each district whose gap has lasted `after`, close each call whose
    district has an event in reach (or no volunteers) again."""
    now = ctx.clock()
    found = await find_gaps(ctx, reach_km=reach_km)
    decided = review(
        found,
        await ctx.calls.gap_streaks(),
        await ctx.calls.open_calls(),
        now=now,
        after=after,
    )
    await ctx.calls.change_streaks(decided.begun, decided.ended)
    opened = 0
    for call in decided.opening:
        opened += await ctx.calls.open(call, _opened(call, reach_km))
    for call, events_in_reach in decided.closing:
        closed = CallClosed(
            producer=PRODUCER,
            correlation_id=f"call-{call.id}",
            data=CallClosedData(
                call_id=call.id,
                outward_code=call.outward_code,
                opened_at=call.opened_at,
                closed_at=now,
                events_in_reach=events_in_reach,
            ),
        )
        await ctx.calls.close(call, at=now, events_in_reach=events_in_reach, event=closed)
    return Reviewed(opened=opened, closed=len(decided.closing))


def _opened(call: Call, reach_km: float) -> CallOpened:
    return CallOpened(
        producer=PRODUCER,
        correlation_id=f"call-{call.id}",
        data=CallOpenedData(
            call_id=call.id,
            outward_code=call.outward_code,
            volunteers=call.volunteers,
            reach_km=reach_km,
            gap_since=call.gap_since,
            opened_at=call.opened_at,
        ),
    )


@dataclass(frozen=True)
class CallsNow:
    calls: list[Call]
    figures: CallFigures


async def calls_now(ctx: Context) -> CallsNow:
    shown = await ctx.calls.all(limit=COUNTED_CALLS)
    return CallsNow(calls=shown, figures=figures(shown))


@dataclass(frozen=True)
class DistrictNow:
    """A district's page: its gap (None when it has no confirmed volunteer) and its calls."""

    outward_code: str
    gap: Gap | None
    calls: list[Call]

    @property
    def open_call(self) -> Call | None:
        return next((call for call in self.calls if call.open), None)


async def district_now(outward_code: str, ctx: Context, *, reach_km: float) -> DistrictNow:
    found = await find_gaps(ctx, reach_km=reach_km)
    gap = next((g for g in found if g.outward_code == outward_code), None)
    return DistrictNow(outward_code, gap, await ctx.calls.of_district(outward_code))


async def open_calls(ctx: Context) -> dict[str, Call]:
    """The open calls by district, for the gap map."""
    return await ctx.calls.open_calls()
