"""B3 matching: one published event against V volunteer profiles, for each V asked for.

Profiles are written straight into a matching database with exactly the documents matching's
repository writes (`to_document` plus the outbox fields of `AggregateCollection.insert`), by
`insert_many` in batches, after matching's own indexes were made (as at service start). Then, for
each of the same 50 event sites (drawn once from the seed), matching's own handler `match_event`
runs in this process on matching's own adapters: the figure is the time until every proposal is
written (profile slot claimed, match and its `match.proposed` stored in the outbox). The relay is
not running: publishing is B1's and B5's business. Limit: the time to read the k proposed
profiles by id (`_id $in`), the least any matcher must do to propose to k people.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from matching.adapters.calls import MongoCallRepository
from matching.adapters.community_events import MongoEventRepository
from matching.adapters.geocoding import GeoNamesTable
from matching.adapters.matches import MongoMatchRepository
from matching.adapters.tokens import Links, Tokens
from matching.adapters.volunteers import MongoVolunteerRepository, to_document
from matching.domain.community_events import CommunityEvent, EventStatus, Venue
from matching.domain.volunteers import Status, Volunteer
from matching.handlers import Context, MatchingRules
from matching.handlers.matching import match_event
from matching.settings import Settings as MatchingSettings
from pyinstrument import Profiler
from pymongo.asynchronous.database import AsyncDatabase
from together_contracts import Availability, Interest
from together_kit.access import AccessAnswers
from together_kit.erasure import ErasureAnswers
from together_kit.messaging.outbox import AggregateCollection, RelayStaging
from together_kit.serve import settle_heap
from together_kit.web.site import SiteTokens

from bench import raw
from bench.context import RunContext
from bench.people import District, Population
from bench.results import Figure, ScenarioResult
from bench.stats import ms, percentile

BATCH = 5000
Document = dict[str, Any]


def aggregate(db: AsyncDatabase[Document], name: str) -> AggregateCollection:
    return AggregateCollection(db[name], staging=RelayStaging(wake=lambda: None))


def matching_context(db: AsyncDatabase[Document], settings: MatchingSettings) -> Context:
    tokens = Tokens(settings.secret_key.get_secret_value())
    return Context(
        events=MongoEventRepository(aggregate(db, "events")),
        volunteers=MongoVolunteerRepository(aggregate(db, "volunteers")),
        matches=MongoMatchRepository(aggregate(db, "matches")),
        geocoder=GeoNamesTable(settings.geonames_path),
        tokens=tokens,
        links=Links(
            settings.public_base_url,
            tokens,
            SiteTokens(settings.site_keys()),
            settings.addresses(),
        ),
        clock=lambda: datetime.now(UTC),
        rules=MatchingRules(
            proposals_per_place=settings.proposals_per_place,
            weekly_cap=settings.weekly_cap,
            events_per_new_volunteer=settings.events_per_new_volunteer,
            unmatched_after_days=settings.unmatched_after_days,
        ),
        erasures=ErasureAnswers(aggregate(db, "erasures"), service="matching"),
        access=AccessAnswers(aggregate(db, "access_answers"), service="matching"),
        calls=MongoCallRepository(aggregate(db, "calls"), db["gap_streaks"]),
    )


def profile(people: Population, district: District, confirmed_at: datetime) -> Document:
    volunteer = Volunteer(
        person_id=people.uuid(),
        outward_code=district.code,
        location=district.point,
        interests=frozenset(Interest(i) for i in people.interests()),
        availability=frozenset(Availability(a) for a in people.availability()),
        travel_radius_km=people.radius(),
        language="cy" if people.rng.random() < 0.05 else "en",
        status=Status.CONFIRMED,
        confirmed_at=confirmed_at,
    )
    # What `AggregateCollection.insert` adds to every document it writes.
    return {
        **to_document(volunteer),
        "version": 1,
        "outbox": [],
        "outbox_pending": 0,
        "outbox_lease_until": 0.0,
    }


async def load_profiles(db: AsyncDatabase[Document], people: Population, count: int) -> float:
    """Insert `count` more profiles; seconds taken."""
    confirmed_at = datetime.now(UTC) - timedelta(days=30)
    collection = db["volunteers"]
    started = time.perf_counter()
    remaining = count
    while remaining > 0:
        size = min(BATCH, remaining)
        batch = [profile(people, d, confirmed_at) for d in people.districts_batch(size)]
        await collection.insert_many(batch, ordered=False)
        remaining -= size
    return time.perf_counter() - started


def next_saturday_morning(now: datetime) -> datetime:
    days = (5 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)


EventMaker = Callable[[], CommunityEvent]


def event_makers(people: Population, count: int, places: int) -> list[EventMaker]:
    """The same `count` event sites and kinds for every V; a fresh event (id) each call."""
    starts = next_saturday_morning(datetime.now(UTC))
    makers: list[EventMaker] = []
    for _ in range(count):
        district = people.district()
        kinds = people.rng.sample(tuple(Interest), 3)

        def make(district: District = district, kinds: list[Interest] = kinds) -> CommunityEvent:
            return CommunityEvent(
                title="Community lunch",
                description="A bench event.",
                event_type=kinds[0],
                also_suits=tuple(kinds[1:]),
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                venue=Venue(
                    online=False,
                    postcode=f"{district.code} 1AA",
                    outward_code=district.code,
                    location=district.point,
                ),
                places=places,
                organiser_email="organiser@bench.example.org",
                submitted_at=datetime.now(UTC),
                status=EventStatus.PUBLISHED,
            )

        makers.append(make)
    return makers


async def read_by_ids(db: AsyncDatabase[Document], ids: list[str]) -> float:
    started = time.perf_counter()
    found = await db["volunteers"].find({"_id": {"$in": ids}}).to_list()
    took = time.perf_counter() - started
    assert len(found) == len(ids)
    return took


async def run(ctx: RunContext) -> ScenarioResult:
    p = ctx.params
    result = ScenarioResult("B3", "Matching against V volunteer profiles")
    people = ctx.population(3)
    sites = event_makers(ctx.population(33), p.b3_events, p.b3_places)
    settings = MatchingSettings(geonames_path=p.geonames)
    client = raw.mongo_client(ctx.stack.mongodb_url)
    database = ctx.stack.database("matching_b3")
    db = client[database]
    match = matching_context(db, settings)
    rows: list[dict[str, float]] = []
    loaded = 0
    load_seconds = 0.0
    try:
        for indexed in (
            MongoEventRepository(aggregate(db, "events")),
            MongoVolunteerRepository(aggregate(db, "volunteers")),
            MongoMatchRepository(aggregate(db, "matches")),
        ):
            await indexed.ensure_indexes()
        await aggregate(db, "volunteers").ensure_indexes()
        for size in sorted(set(p.b3_sizes)):
            took = await load_profiles(db, people, size - loaded)
            load_seconds += took
            print(
                f"[bench] B3 {size:,} profiles loaded ({took:.0f}s for {size - loaded:,})",
                flush=True,
            )
            loaded = size
            settle_heap()  # as a matching process does once it has started (together_kit.serve)
            times, limits, made = [], [], []
            profiling = p.profile and size == max(p.b3_sizes)
            profiler = Profiler(async_mode="enabled") if profiling else None
            if profiler is not None:
                profiler.start()
            for make in sites:
                event = make()
                await match.events.add(event, events=[])
                started = time.perf_counter()
                proposals = await match_event(event, correlation_id="bench", ctx=match)
                times.append(time.perf_counter() - started)
                made.append(proposals)
                ids = [str(person) for person in await match.matches.people_proposed(event.id)]
                if ids:
                    limits.append(await read_by_ids(db, ids))
            if profiler is not None:
                profiler.stop()
                folder = p.out / "profiles"
                folder.mkdir(parents=True, exist_ok=True)
                text = profiler.output_text(unicode=True, show_all=False)
                (folder / f"b3-matching-{size}.txt").write_text(text, encoding="utf-8")
            row = {
                "volunteers": float(size),
                "p50_ms": ms(percentile(times, 50)),
                "p95_ms": ms(percentile(times, 95)),
                "limit_p50_ms": ms(percentile(limits, 50)),
                "limit_p95_ms": ms(percentile(limits, 95)),
                "proposals_mean": sum(made) / len(made),
                "load_seconds": took,
            }
            rows.append(row)
            goal = {100_000: 100.0, 1_000_000: 400.0}.get(size)
            result.add(
                Figure(
                    f"p50 @{size:,}",
                    row["p50_ms"],
                    "ms",
                    row["limit_p50_ms"],
                    "read k proposed profiles by id, p50",
                    better="lower",
                )
            )
            result.add(
                Figure(
                    f"p95 @{size:,}",
                    row["p95_ms"],
                    "ms",
                    row["limit_p95_ms"],
                    "read k proposed profiles by id, p95",
                    better="lower",
                    goal_value=goal,
                )
            )
    finally:
        await client.drop_database(database)
        await client.close()
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        growth = last["volunteers"] / first["volunteers"]
        result.add(
            Figure(
                f"time({int(last['volunteers']):,})/time({int(first['volunteers']):,})",
                last["p50_ms"] / first["p50_ms"],
                "x",
                growth,
                "growth of V (linear scan)",
                better="lower",
                goal_value=4.0 if (first["volunteers"], last["volunteers"]) == (1e4, 1e6) else None,
            )
        )
    result.series["by_volunteers"] = rows
    result.params = {
        "sizes": list(p.b3_sizes),
        "events": p.b3_events,
        "places": p.b3_places,
        "k_wanted": p.b3_places * settings.proposals_per_place,
        "load_seconds_total": round(load_seconds, 1),
        "load_profiles_per_s": round(loaded / load_seconds, 1) if load_seconds else None,
    }
    return result
