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
from together_kit.messaging.consuming import AlreadyHandled

from matching.domain.geo import Point, distance_km
from matching.domain.places import UnknownPostcodeError
from matching.domain.volunteers import Applied, Volunteer, VolunteerNotFoundError
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
) -> Applied:
    """The profile as the event leaves it, written keyed by the event id: a redelivered event
    changes nothing (`Applied.redelivered`), even after later events (`Volunteer.applied`)."""
    profile: VolunteerProfile = event.data.profile
    person_id = event.data.person_id

    async def decide(existing: Volunteer | None) -> Volunteer:
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
        return volunteer

    return await ctx.volunteers.apply_profile(
        person_id, event_id=event.id, decide=decide, new=isinstance(event, VolunteerConfirmed)
    )


async def volunteer_confirmed(event: VolunteerConfirmed, ctx: Context) -> None:
    """Keep the profile and propose the best upcoming events. A redelivery matches again, so what
    a crash between the two left unproposed is proposed (nothing is proposed twice), and counts
    as a duplicate."""
    saved = await save_profile(event, confirmed=True, ctx=ctx)
    await match_volunteer(saved.volunteer, correlation_id=event.correlation_id, ctx=ctx)
    if saved.redelivered:
        raise AlreadyHandled(event.id)


async def volunteer_updated(event: VolunteerUpdated, ctx: Context) -> None:
    if (await save_profile(event, confirmed=event.data.confirmed, ctx=ctx)).redelivered:
        raise AlreadyHandled(event.id)


async def volunteer_unsubscribed(event: VolunteerUnsubscribed, ctx: Context) -> None:
    """They withdrew the consent to matched events: one write keyed by the event id, like a
    profile event's, so a redelivery after they consented again changes nothing."""
    if Consent.MATCHED_EVENTS not in event.data.withdrawn:
        return
    redelivered = False

    def withdraw(current: Volunteer) -> list[IntegrationEvent]:
        nonlocal redelivered
        redelivered = current.has_applied(event.id)
        if not redelivered:
            current.withdraw_matches()
            current.mark_applied(event.id)
        return []

    try:
        await ctx.volunteers.change(event.data.person_id, withdraw)
    except VolunteerNotFoundError:
        return
    if redelivered:
        raise AlreadyHandled(event.id)


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
