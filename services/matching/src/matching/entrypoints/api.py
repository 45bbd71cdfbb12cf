"""JSON API of matching: parse, build a command, call a handler."""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from together_contracts import Interest
from together_contracts.taxonomy import Language
from together_kit.districts import InvalidPostcodeError
from together_kit.http.idempotency import OnceDep, StoredResponse
from together_kit.http.middleware import TOO_LARGE, current_correlation_id
from together_kit.http.ratelimit import TOO_MANY

from matching.domain.geo import Point, distance_km
from matching.domain.places import UnknownPostcodeError
from matching.entrypoints.dependencies import ContextDep, within_submit_limit
from matching.entrypoints.schemas import (
    CallFiguresPublic,
    CallPublic,
    CallsPublic,
    EventCreate,
    EventListing,
    EventPublic,
    GapPublic,
    london,
)
from matching.handlers import Context, calls, gaps, listings


def unknown_postcode(where: list[str], message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": where, "msg": message, "type": "unknown_postcode"}],
    )


def submit_command(
    body: EventCreate, *, reply_language: Language | None = None
) -> listings.SubmitEvent:
    """`reply_language` of the organiser's emails: the form page's, else the event's own."""
    coordinates = None
    if body.latitude is not None and body.longitude is not None:
        coordinates = Point(body.latitude, body.longitude)
    return listings.SubmitEvent(
        title=body.title,
        description=body.description,
        event_type=body.event_type,
        also_suits=tuple(dict.fromkeys(i for i in body.also_suits if i != body.event_type)),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        online=body.online,
        postcode=body.postcode,
        coordinates=coordinates,
        places=body.places,
        organiser_email=body.organiser_email,
        roles=tuple(body.roles),
        accessibility=body.accessibility,
        language=body.language,
        venue_name=body.venue_name,
        address_lines=tuple(body.address_lines),
        town=body.town,
        joining_url=body.joining_url,
        arrival_notes=body.arrival_notes,
        address_public=body.address_public,
        organiser_name=body.organiser_name,
        organiser_phone=body.organiser_phone,
        reply_language=reply_language or ("cy" if body.language == "cy" else "en"),
        correlation_id=current_correlation_id(),
    )


async def upcoming_listings(
    ctx: Context,
    *,
    near: str | None,
    within_km: float,
    event_type: Interest | None,
    starts_after: datetime | None,
    starts_before: datetime | None,
) -> list[EventListing]:
    """Published upcoming events, soonest first; raises `UnknownPostcodeError` for `near`."""
    now = ctx.clock()
    after = max(now, _aware(starts_after)) if starts_after else now
    centre: Point | None = None
    if near:
        centre = (await ctx.geocoder.locate(near)).point
    found = await ctx.events.upcoming(
        now=after,
        near=(centre, within_km) if centre else None,
        event_type=event_type,
        until=_aware(starts_before) if starts_before else None,
    )
    shown = []
    for event in found:
        distance = None
        if centre is not None and event.venue.location is not None:
            distance = distance_km(centre, event.venue.location)
            if distance > within_km:
                continue
        shown.append(EventListing.of(event, distance))
    return shown


def _aware(value: datetime) -> datetime:
    """A filter bound; a time out of range is as good as no bound at all."""
    try:
        return london(value)
    except ValueError:
        return value.replace(tzinfo=UTC)


router = APIRouter(prefix="/api/v1", tags=["events"])


@router.post(
    "/events",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(within_submit_limit)],
    responses={
        **TOO_LARGE,
        422: {"description": "A field is missing or wrong, or the postcode is unknown"},
        **TOO_MANY,
    },
)
async def create_event(
    body: EventCreate,
    ctx: ContextDep,
    once: OnceDep,
) -> EventPublic:
    """List a community event. It is public once a moderator approves it. The organiser's
    page (`manage_url`) is emailed to `organiser_email` and returned to the caller."""

    async def run() -> StoredResponse:
        try:
            submitted = await listings.submit_event(submit_command(body), ctx)
        except UnknownPostcodeError as error:
            raise unknown_postcode(["body", "postcode"], str(error)) from error
        public = EventPublic(
            id=submitted.event.id,
            manage_url=submitted.manage_url,
            cancel_url=submitted.cancel_url,
            attendance_url=submitted.attendance_url,
        )
        return StoredResponse(201, public.model_dump(mode="json"))

    return await once.run("events", run)  # type: ignore[return-value]


@router.get("/events")
async def list_events(
    ctx: ContextDep,
    near: Annotated[
        str | None, Query(max_length=16, description="Postcode or outward code")
    ] = None,
    within_km: Annotated[float, Query(gt=0, le=200)] = 10,
    event_type: Annotated[Interest | None, Query(alias="type")] = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
) -> list[EventListing]:
    """Published upcoming events, soonest first; `near` a postcode within `within_km`."""
    try:
        return await upcoming_listings(
            ctx,
            near=near,
            within_km=within_km,
            event_type=event_type,
            starts_after=starts_after,
            starts_before=starts_before,
        )
    except (UnknownPostcodeError, InvalidPostcodeError) as error:
        raise unknown_postcode(["query", "near"], str(error)) from error


@router.get("/gaps", tags=["gaps"])
async def list_gaps(
    ctx: ContextDep,
    reach_km: Annotated[float, Query(gt=0, le=100)] = 10,
    limit: Annotated[int, Query(ge=1, le=5000)] = 100,
) -> list[GapPublic]:
    """Districts ranked by confirmed volunteers against upcoming published events within
    `reach_km` of the district's centre: where new events are most needed first."""
    found = await gaps.find_gaps(ctx, reach_km=reach_km)
    return [
        GapPublic(
            outward_code=gap.outward_code,
            volunteers=gap.volunteers,
            events_in_reach=gap.events_in_reach,
            score=round(gap.score, 3),
            latitude=gap.centroid.latitude,
            longitude=gap.centroid.longitude,
        )
        for gap in found[:limit]
    ]


@router.get("/calls", tags=["gaps"])
async def list_calls(
    ctx: ContextDep, limit: Annotated[int, Query(ge=1, le=5000)] = 100
) -> CallsPublic:
    """Calls to action, newest first, and the figures of all: how many opened and closed, and how
    long the closed ones stayed open."""
    found = await calls.calls_now(ctx)
    now = ctx.clock()
    return CallsPublic(
        figures=CallFiguresPublic(**asdict(found.figures)),
        calls=[
            CallPublic(
                id=call.id,
                outward_code=call.outward_code,
                volunteers=call.volunteers,
                gap_since=call.gap_since,
                opened_at=call.opened_at,
                closed_at=call.closed_at,
                days_open=round(call.open_for(now).total_seconds() / 86400, 1),
            )
            for call in found.calls[:limit]
        ],
    )
