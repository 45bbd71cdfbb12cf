"""The gap finder: districts ranked by volunteers against upcoming events within reach."""

from matching.domain.gaps import Gap, gaps
from matching.handlers.context import Context

UPCOMING_LIMIT = 5000


async def find_gaps(ctx: Context, *, reach_km: float) -> list[Gap]:
    events = await ctx.events.upcoming(now=ctx.clock(), limit=UPCOMING_LIMIT)
    venues = [event.venue.location for event in events if event.venue.location is not None]
    return gaps(await ctx.volunteers.districts(), venues, reach_km=reach_km)
