"""B5 guarded consumer: `volunteer.confirmed` through matching's own consumer.

matching runs as a process; N `volunteer.confirmed` events are published as signups' relay would.
Each goes through the kit's ConsumerGuard (retries, dead letters, ack) into matching's handler,
which geocodes the outward code (from the district table in memory: matching keeps no store cache
of the table's answers, `bootstrap.stored_answers`), writes the profile keyed by the event id (its
own inbox: `subscriptions.keyed`, so no separate inbox check or record) and looks for events to
propose (none here). The events in flight at once
(the prefetch) share those reads and writes (`together_kit.grouping`).

Figure: events/s through matching from a queue already holding all N, as its limit and floor are
measured: matching is started once to declare its queue and stopped, the events are published into
the queue, and matching is started again; the clock runs from the first profile stored until the
N-th (those stored by the moment of the first, counted then, are left out; in a run so small that
all are stored by then, from matching's launch). Limit: raw aio-pika consume + JSON parse + ack of
the same bodies from a quorum queue already holding them, with the service's prefetch. Beside it,
the floor (`raw.framework_floor_rate`): the same bodies through a FastStream consumer configured as
the services' whose handler makes only matching's two store commands (the keyed insert, the look
for events), grouped the same way, with no service code: the most B5 could be here.

Until 2026-12-07 the clock ran from the first publish, with matching consuming while the bench
published: publishing 5,000 events with confirms took 2.2 s of the 3.5 s measured on 2 cores, so
the figure counted the publisher's share of the machine against the consumer, which the limit and
the floor do not. Before issue 20 the handler was inbox-guarded and the figure ended when the
N-th id was in matching's inbox: the same point (the event handled), two store round trips per
event earlier.
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
    declaring = ctx.stack.service("matching", database=database)
    declaring.wait_ready()
    ctx.stack.stop(declaring)
    client = raw.mongo_client(ctx.stack.mongodb_url)
    profiles = client[database]["volunteers"]
    last = str(events[-1].data.person_id)

    async def first_stored() -> int:
        return int(await profiles.find_one({}, {"_id": 1}) is not None)

    async def processed() -> int:
        """How many profiles are stored, counted only once the last one published is: a count
        is an aggregation on the embedded store, and polling it every 0.1 s took a third of the
        store's time away from the consumer being measured."""
        if await profiles.find_one({"_id": last}, {"_id": 1}) is None:
            return 0
        return await profiles.count_documents({})

    try:
        await raw.publish_events(ctx.stack.rabbitmq_url, list(events))
        launched = time.perf_counter()
        matching = ctx.stack.service("matching", database=database)
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
            started = await poll_until(first_stored, 1, timeout=120, every=0.005)
            before = await profiles.count_documents({})
            done = await poll_until(processed, count, timeout=120 + count / 5, every=0.1)
        if before >= count:  # a smoke run's few were all stored by the first look
            started, before = launched, 0
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
    result.params["stored_before_clock"] = before
    result.add(
        Figure(
            "events/s",
            rate(count - before, done - started),
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
