"""The composition root of matching: the only place its clients and adapters are built."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import together_contracts as contracts
from fastapi import FastAPI
from pymongo.asynchronous.collection import AsyncCollection
from together_kit.access import AccessAnswers
from together_kit.erasure import ErasureAnswers
from together_kit.http.ratelimit import SharedRateLimiter, rate_limited
from together_kit.retention import days
from together_kit.runtime import ServiceRuntime
from together_kit.web.rendering import WebPages, mount_static
from together_kit.web.site import SiteTokens

from matching.adapters.calls import MongoCallRepository
from matching.adapters.community_events import MongoEventRepository
from matching.adapters.geocoding import (
    CACHED_AT,
    CachedGeocoder,
    GeoNamesTable,
    PostcodesIo,
    WithDistrictFallback,
)
from matching.adapters.matches import MongoMatchRepository
from matching.adapters.tokens import Links, Tokens
from matching.adapters.volunteers import MongoVolunteerRepository
from matching.domain.areas import Locality
from matching.domain.places import Geocoder
from matching.entrypoints import api, consumers, web
from matching.handlers import Context, MatchingRules, calls, volunteers
from matching.settings import Settings

WEB = Path(__file__).parent / "entrypoints" / "web"


def geocoder(settings: Settings, runtime: ServiceRuntime) -> Geocoder:
    table = GeoNamesTable(settings.geonames_path)
    runtime.startup_hooks.append(table.load)
    if settings.geocoder == "postcodes.io":
        remote = PostcodesIo(settings.postcodes_io_url, timeout=settings.geocode_timeout_seconds)
        return WithDistrictFallback(remote, table)
    return table


def stored_answers(
    source: Geocoder, cache: AsyncCollection[dict[str, Any]], *, clock: Callable[[], datetime]
) -> Geocoder:
    """`source` with its answers kept in the store, unless it is the district table in memory:
    a store round trip would cost more than asking the table again."""
    if isinstance(source, GeoNamesTable):
        return source
    return CachedGeocoder(source, cache, clock=clock)


def localities_of(source: Geocoder) -> Callable[[], dict[str, Locality]]:
    """The gap map's districts (names, nations and regions), when the table has them."""
    table = source.table if isinstance(source, WithDistrictFallback) else source
    if isinstance(table, GeoNamesTable):
        return lambda: table.localities
    return dict


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], datetime] | None = None,
    source: Geocoder | None = None,
) -> FastAPI:
    runtime = ServiceRuntime.build(settings)
    source = source or geocoder(settings, runtime)
    events = MongoEventRepository(
        runtime.aggregate("events"), erasure_key=settings.erasure_digest_key
    )
    profiles = MongoVolunteerRepository(runtime.aggregate("volunteers"))
    matches = MongoMatchRepository(runtime.aggregate("matches"))
    call_store = MongoCallRepository(runtime.aggregate("calls"), runtime.db["gap_streaks"])
    tokens = Tokens(settings.secret_keys(), legacy=settings.legacy_links)
    clock = clock or (lambda: datetime.now(UTC))
    geocode_cache = runtime.db["geocode_cache"]
    runtime.retain(
        geocode_cache,
        field=CACHED_AT,
        keep=days(settings.geocode_cache_retention_days),
        clock=clock,
    )
    located = stored_answers(source, geocode_cache, clock=clock)
    if isinstance(located, CachedGeocoder):
        runtime.startup_hooks.append(located.drop_undated)
    ctx = Context(
        events=events,
        volunteers=profiles,
        matches=matches,
        geocoder=located,
        tokens=tokens,
        links=Links(
            settings.public_base_url,
            tokens,
            SiteTokens(settings.site_keys()),
            settings.addresses(),
        ),
        clock=clock,
        rules=MatchingRules(
            proposals_per_place=settings.proposals_per_place,
            weekly_cap=settings.weekly_cap,
            events_per_new_volunteer=settings.events_per_new_volunteer,
            unmatched_after_days=settings.unmatched_after_days,
        ),
        erasures=ErasureAnswers(runtime.aggregate("erasures"), service=settings.service_name),
        access=AccessAnswers(runtime.aggregate("access_answers"), service=settings.service_name),
        calls=call_store,
    )
    runtime.indexes(events, profiles, matches, call_store)
    runtime.publishes(
        contracts.EventSubmitted,
        contracts.EventPublished,
        contracts.EventCancelled,
        contracts.EventChanged,
        contracts.MatchProposed,
        contracts.MatchAccepted,
        contracts.MatchDeclined,
        contracts.MatchSharingChanged,
        contracts.VolunteerUnmatched,
        contracts.CallOpened,
        contracts.CallClosed,
        contracts.AttendanceRecorded,
        contracts.OrganiserLinkRequested,
        contracts.EventMessagePosted,
        contracts.PersonErased,
        contracts.PersonAccessAnswered,
    )
    consumers.register(runtime, ctx=ctx)
    runtime.every(
        settings.unmatched_interval_seconds,
        lambda: volunteers.tell_unmatched(ctx),
        name="tell-unmatched",
    )
    runtime.every(
        settings.calls_interval_seconds,
        lambda: calls.review_calls(
            ctx,
            reach_km=settings.call_reach_km,
            after=timedelta(weeks=settings.call_after_weeks),
        ),
        name="calls-to-action",
    )

    submit_limiter = SharedRateLimiter(settings.submit_rate_limit, runtime.db["rate_limits"])
    runtime.indexes(submit_limiter)
    pages = WebPages(
        templates=WEB / "templates", locales=WEB / "locales", navigation=settings.navigation()
    )
    app = runtime.app(
        title="together matching",
        description="Community events near volunteers: listings, matching and responses.",
        routers=[api.router, web.router],
    )
    mount_static(app)
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.context = ctx
    app.state.pages = pages
    app.state.site = web.site_of(pages, submit_limit=rate_limited(submit_limiter, scope="events"))
    app.state.localities = localities_of(source)
    app.state.idempotency = runtime.idempotency()
    return app
