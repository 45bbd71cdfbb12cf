"""B5 guarded consumer: `volunteer.confirmed` through matching's own consumer.

matching runs as a process; N `volunteer.confirmed` events are published as signups' relay would.
Each goes through the kit's ConsumerGuard (retries, dead letters, ack) into matching's handler,
which geocodes the outward code (in memory once known, else from the store's cache, else from
the GeoNames table and cached: about 2,400 of the 5,000 districts are new to the fresh process),
writes the profile keyed by the event id (its own inbox: `subscriptions.keyed`, so no separate
inbox check or record) and looks for events to propose (none here). The events in flight at once
(the prefetch) share those reads and writes (`together_kit.grouping`). Figure: events/s from the first publish
until the N-th volunteer's profile is stored. Limit: raw aio-pika consume + JSON parse + ack of
the same bodies from a quorum queue already holding them, with the service's prefetch. Beside it,
the floor (`raw.framework_floor_rate`): the same bodies through a FastStream consumer configured
as the services' whose handler makes only matching's two store commands (the keyed insert, the
look for events), grouped the same way, with no service code: the most B5 could be here.

Before issue 20 the handler was inbox-guarded and the figure ended when the N-th id was in
matching's inbox: the same point (the event handled), two store round trips per event earlier.
"""

import time

from matching.settings import Settings as MatchingSettings
from together_contracts import VolunteerConfirmed, VolunteerConfirmedData, VolunteerProfile

from bench import raw
from bench.context import RunContext, poll_until
from bench.profiling import recording
from bench.results import Figure, ScenarioResult
from bench.stats import rate

PREFETCH: int = MatchingSettings.model_fields["prefetch"].default
"""Matching's default `MATCHING_PREFETCH`: the limit and the floor take as many at once."""


async def run(ctx: RunContext) -> ScenarioResult:
    p = ctx.params
    count = p.b5_events
    result = ScenarioResult("B5", "Guarded consumer (matching, volunteer.confirmed)")
    result.params = {"events": count, "prefetch": PREFETCH}
    people = ctx.population(5)
    events = []
    for n in range(count):
        district = people.district()
        events.append(
            VolunteerConfirmed(
                producer="signups",
                correlation_id=f"bench-b5-{n}",
                data=VolunteerConfirmedData(
                    person_id=people.uuid(),
                    profile=VolunteerProfile(
                        outward_code=district.code,
                        interests=people.interests(),
                        availability=people.availability(),
                        travel_radius_km=people.radius(),
                        consents=["matched-events"],
                    ),
                ),
            )
        )
    database = ctx.stack.database("matching_b5")
    matching = ctx.stack.service("matching", database=database)
    matching.wait_ready()
    client = raw.mongo_client(ctx.stack.mongodb_url)
    profiles = client[database]["volunteers"]
    last = str(events[-1].data.person_id)

    async def processed() -> int:
        """How many profiles are stored, counted only once the last one published is: a count
        is an aggregation on the embedded store, and polling it every 0.1 s took a third of the
        store's time away from the consumer being measured."""
        if await profiles.find_one({"_id": last}, {"_id": 1}) is None:
            return 0
        return await profiles.count_documents({})

    try:
        folder = p.out / "profiles"
        with (
            recording(matching.pid, folder, "b5-matching", enabled=p.profile),
            recording(
                ctx.stack.store_pid or 0,
                folder,
                "b5-store",
                enabled=p.profile and ctx.stack.store_pid is not None,
            ),
        ):
            started = time.perf_counter()
            await raw.publish_events(ctx.stack.rabbitmq_url, list(events))
            done = await poll_until(processed, count, timeout=120 + count / 5, every=0.1)
        ctx.stack.stop(matching)
        bodies = [event.model_dump_json().encode() for event in events]
        limit = await raw.consume_rate(ctx.stack.rabbitmq_url, bodies, prefetch=PREFETCH)
        floor = await raw.framework_floor_rate(
            ctx.stack.rabbitmq_url, ctx.stack.mongodb_url, bodies, prefetch=PREFETCH
        )
    finally:
        await client.drop_database(database)
        await client.close()
    result.limits = {"raw_consume_ack_per_s": limit, "framework_floor_per_s": floor}
    result.add(
        Figure(
            "events/s",
            rate(count, done - started),
            "/s",
            limit,
            "raw aio-pika consume+ack, same prefetch",
            goal_ratio=0.25,
        )
    )
    result.add(
        Figure(
            "floor: FastStream + 2 grouped store commands, no service code",
            floor,
            "/s",
            limit,
            "raw aio-pika consume+ack, same prefetch",
        )
    )
    return result
