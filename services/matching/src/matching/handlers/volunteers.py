"""Volunteer profiles kept from signups' events: coarse location, interests, times, radius."""

from datetime import timedelta

import structlog
from together_contracts import (
    Consent,
    IntegrationEvent,
    VolunteerConfirmed,
    VolunteerProfile,
    VolunteerUnsubscribed,
    VolunteerUpdated,
)
from together_contracts.matches import NearbyEvent, VolunteerUnmatched, VolunteerUnmatchedData
from together_kit.districts import InvalidPostcodeError

from matching.domain.geo import Point, distance_km
from matching.domain.places import UnknownPostcodeError
from matching.domain.volunteers import Volunteer
from matching.handlers.context import PRODUCER, Context
from matching.handlers.matching import match_volunteer

log = structlog.get_logger("matching.volunteers")
NEAREST_EVENTS = 3
NEAREST_SEARCH_KM = 60.0
UNMATCHED_BATCH = 500


async def locate(outward_code: str, ctx: Context) -> Point | None:
    """The district's centroid; `None` (never matched by distance) when it is not known."""
    try:
        return (await ctx.geocoder.locate(outward_code)).point
    except (UnknownPostcodeError, InvalidPostcodeError):
        log.warning("volunteer district not found; kept without a location", district=outward_code)
        return None


async def save_profile(
    event: VolunteerConfirmed | VolunteerUpdated, *, confirmed: bool, ctx: Context
) -> Volunteer:
    profile: VolunteerProfile = event.data.profile
    person_id = event.data.person_id
    existing = await ctx.volunteers.get(person_id)
    volunteer = existing or Volunteer(
        person_id=person_id,
        outward_code="",
        location=None,
        interests=frozenset(),
        availability=frozenset(),
        travel_radius_km=profile.travel_radius_km,
    )
    if existing is None or existing.outward_code != profile.outward_code:
        volunteer.location = await locate(profile.outward_code, ctx)
    volunteer.outward_code = profile.outward_code
    volunteer.interests = frozenset(profile.interests)
    volunteer.availability = frozenset(profile.availability)
    volunteer.travel_radius_km = profile.travel_radius_km
    volunteer.language = profile.language
    volunteer.connector = profile.connector
    volunteer.take_consents(profile.consents, confirmed=confirmed)
    if confirmed and volunteer.confirmed_at is None:
        volunteer.confirmed_at = event.occurred_at
    await ctx.volunteers.put(volunteer)
    return volunteer


async def volunteer_confirmed(event: VolunteerConfirmed, ctx: Context) -> None:
    volunteer = await save_profile(event, confirmed=True, ctx=ctx)
    await match_volunteer(volunteer, correlation_id=event.correlation_id, ctx=ctx)


async def volunteer_updated(event: VolunteerUpdated, ctx: Context) -> None:
    await save_profile(event, confirmed=event.data.confirmed, ctx=ctx)


async def volunteer_unsubscribed(event: VolunteerUnsubscribed, ctx: Context) -> None:
    if Consent.MATCHED_EVENTS not in event.data.withdrawn:
        return
    volunteer = await ctx.volunteers.get(event.data.person_id)
    if volunteer is None:
        return

    def withdraw(current: Volunteer) -> list[IntegrationEvent]:
        current.withdraw_matches()
        return []

    await ctx.volunteers.change(volunteer.person_id, withdraw)


async def tell_unmatched(ctx: Context) -> int:
    """`volunteer.unmatched`, once, to each confirmed volunteer with no proposal in 7 days."""
    now = ctx.clock()
    cutoff = now - timedelta(days=ctx.rules.unmatched_after_days)
    told = 0
    for volunteer in await ctx.volunteers.waiting_since(cutoff, limit=UNMATCHED_BATCH):
        nearest = await nearest_beyond_reach(volunteer, ctx)

        def tell(
            current: Volunteer, nearest: list[NearbyEvent] = nearest
        ) -> list[IntegrationEvent]:
            if current.unmatched_told or current.last_proposed_at is not None:
                return []
            current.unmatched_told = True
            waited = (now - (current.confirmed_at or now)).days
            return [
                VolunteerUnmatched(
                    producer=PRODUCER,
                    correlation_id=f"unmatched-{current.person_id}",
                    data=VolunteerUnmatchedData(
                        person_id=current.person_id,
                        language=current.language,
                        days_waiting=max(0, waited),
                        nearest_events=nearest,
                        connector_invitation=not current.connector,
                    ),
                )
            ]

        await ctx.volunteers.change(volunteer.person_id, tell)
        told += 1
    return told


async def nearest_beyond_reach(volunteer: Volunteer, ctx: Context) -> list[NearbyEvent]:
    if volunteer.location is None:
        return []
    search = max(NEAREST_SEARCH_KM, volunteer.travel_radius_km * 3.0)
    events = await ctx.events.upcoming(now=ctx.clock(), near=(volunteer.location, search))
    found = []
    for event in events:
        if event.venue.location is None:
            continue
        distance = distance_km(volunteer.location, event.venue.location)
        if volunteer.travel_radius_km < distance <= search:
            found.append(
                NearbyEvent(
                    event_id=event.id,
                    title=event.title,
                    starts_at=event.starts_at,
                    outward_code=event.venue.outward_code,
                    distance_km=round(distance, 1),
                )
            )
    return sorted(found, key=lambda nearby: nearby.distance_km)[:NEAREST_EVENTS]
