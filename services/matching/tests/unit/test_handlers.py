"""Matching's handlers driven with small in-memory fakes of its ports, real tokens and links."""

import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from matching.domain.community_events import Answer, EventStatus
from matching.domain.geo import Point
from matching.domain.places import UnknownPostcodeError
from matching.domain.volunteers import Status
from matching.handlers import MatchingRules, listings, matching, responses, volunteers
from together_contracts import (
    Consent,
    Interest,
    ListingApproved,
    ListingDecisionData,
    ListingRejected,
    VolunteerConfirmed,
    VolunteerProfile,
    VolunteerUnsubscribed,
    VolunteerUnsubscribedData,
    VolunteerUpdated,
    VolunteerUpdatedData,
)
from together_kit.messaging.consuming import AlreadyHandled
from together_kit.testing.events import listing_approved, volunteer_confirmed

from .fakes import NOW, Clock, context

pytestmark = pytest.mark.unit

SATURDAY = NOW + timedelta(days=3, hours=3)


def submit(**changes: Any) -> listings.SubmitEvent:
    fields: dict[str, Any] = {
        "title": "Lunch",
        "description": "Soup",
        "event_type": Interest.FOOD_AND_MUTUAL_AID,
        "starts_at": SATURDAY,
        "ends_at": SATURDAY + timedelta(hours=2),
        "online": False,
        "postcode": "M1 1AE",
        "coordinates": None,
        "places": 2,
        "organiser_email": "org@example.org",
        "correlation_id": "c",
        **changes,
    }
    return listings.SubmitEvent(**fields)


def confirmed(**profile: Any) -> VolunteerConfirmed:
    return volunteer_confirmed(correlation_id="c", occurred_at=NOW, **profile)


def approved(event_id: uuid.UUID) -> ListingApproved:
    return listing_approved(event_id, correlation_id="c")


def token(url: str) -> str:
    return unquote(urlsplit(url).path.rpartition("/")[2])


async def test_submitting_stores_the_event_and_asks_moderation() -> None:
    ctx, outbox = context()
    submitted = await listings.submit_event(submit(roles=("Setting up", "Serving")), ctx)
    stored = await ctx.events.get(submitted.event.id)
    assert stored is not None
    assert stored.status is EventStatus.SUBMITTED
    assert stored.venue.outward_code == "M1"
    [asked] = outbox.of_type("event.submitted")
    assert asked.data.outward_code == "M1"
    assert asked.data.roles == ["Setting up", "Serving"], "the moderator sees the roles"
    assert "org@example.org" not in asked.model_dump_json()


async def test_an_unknown_postcode_is_refused() -> None:
    ctx, _ = context()
    with pytest.raises(UnknownPostcodeError):
        await listings.submit_event(submit(postcode="ZE9 9ZZ"), ctx)


async def test_coordinates_or_online_need_no_geocoding() -> None:
    ctx, _ = context()
    at = await listings.submit_event(submit(postcode=None, coordinates=Point(53.0, -2.0)), ctx)
    assert at.event.venue.location == Point(53.0, -2.0)
    online = await listings.submit_event(submit(postcode=None, online=True), ctx)
    assert online.event.venue.online


async def test_approval_publishes_once_and_rejection_is_kept() -> None:
    """A repeated approval tells nothing twice but returns the event, so matching can resume."""
    ctx, outbox = context()
    submitted = await listings.submit_event(submit(), ctx)
    assert await listings.publish_event(approved(submitted.event.id), ctx) is not None
    assert await listings.publish_event(approved(submitted.event.id), ctx) is not None
    assert len(outbox.of_type("event.published")) == 1
    other = await listings.submit_event(submit(), ctx)
    rejection = ListingRejected(
        producer="t", correlation_id="c", data=ListingDecisionData(event_id=other.event.id)
    )
    await listings.reject_event(rejection, ctx)
    assert await listings.publish_event(approved(other.event.id), ctx) is None
    assert await listings.publish_event(approved(uuid.uuid4()), ctx) is None


async def test_a_confirmed_volunteer_gets_the_best_upcoming_events_up_to_n() -> None:
    ctx, outbox = context(MatchingRules(events_per_new_volunteer=2))
    for _ in range(3):
        submitted = await listings.submit_event(submit(), ctx)
        await listings.publish_event(approved(submitted.event.id), ctx)
    joined = confirmed()
    await volunteers.volunteer_confirmed(joined, ctx)
    proposals = outbox.of_type("match.proposed")
    assert len(proposals) == 2
    assert {p.data.person_id for p in proposals} == {joined.data.person_id}
    assert (
        proposals[0].data.reasons_text
        == "in your area · likes food and mutual aid · free at weekends"
    )
    why = proposals[0].data.why
    assert why is not None
    assert (why.distance_km, why.interests, why.slot) == (0.0, ["food-and-mutual-aid"], "weekends")


async def test_unsubscribing_from_matched_events_stops_proposals() -> None:
    ctx, outbox = context()
    joined = confirmed()
    await volunteers.volunteer_confirmed(joined, ctx)
    withdrawn = VolunteerUnsubscribed(
        producer="t",
        correlation_id="c",
        data=VolunteerUnsubscribedData(
            person_id=joined.data.person_id, withdrawn=[Consent.MATCHED_EVENTS]
        ),
    )
    await volunteers.volunteer_unsubscribed(withdrawn, ctx)
    stored = await ctx.volunteers.get(joined.data.person_id)
    assert stored is not None
    assert stored.status is Status.UNSUBSCRIBED
    submitted = await listings.submit_event(submit(), ctx)
    done = await listings.publish_event(approved(submitted.event.id), ctx)
    assert done is not None
    published = done.event
    assert await matching.match_event(published, correlation_id="c", ctx=ctx) == 0
    assert outbox.of_type("match.proposed") == []


async def test_a_volunteer_without_consent_or_location_is_kept_but_never_matched() -> None:
    ctx, _ = context()
    no_consent = confirmed(consents=[])
    unknown = confirmed(outward_code="ZE9")
    for event in (no_consent, unknown):
        await volunteers.volunteer_confirmed(event, ctx)
        stored = await ctx.volunteers.get(event.data.person_id)
        assert stored is not None
        assert not stored.matchable


async def test_answering_takes_places_then_waitlists_then_promotes() -> None:
    ctx, outbox = context()
    people = [confirmed() for _ in range(3)]
    for person in people:
        await volunteers.volunteer_confirmed(person, ctx)
    submitted = await listings.submit_event(submit(places=1), ctx)
    done = await listings.publish_event(approved(submitted.event.id), ctx)
    assert done is not None
    published = done.event
    await matching.match_event(published, correlation_id="c", ctx=ctx)
    links = {p.data.person_id: token(p.data.respond_url) for p in outbox.of_type("match.proposed")}
    outcomes = []
    for person in people:
        _, proposal = await responses.read_link(links[person.data.person_id], ctx)
        assert proposal is not None
        outcomes.append(await responses.respond(proposal, accept=True, correlation_id="c", ctx=ctx))
    assert outcomes == [(Answer.ACCEPTED, None), (Answer.WAITLISTED, 1), (Answer.WAITLISTED, 2)]
    _, first = await responses.read_link(links[people[0].data.person_id], ctx)
    assert first is not None
    withdrawn = await responses.respond(first, accept=False, correlation_id="c", ctx=ctx)
    assert withdrawn == (Answer.WITHDRAWN, None)
    promoted = [a for a in outbox.of_type("match.accepted") if a.data.from_waitlist]
    assert [a.data.person_id for a in promoted] == [people[1].data.person_id]
    stored = await ctx.volunteers.get(people[0].data.person_id)
    assert stored is not None
    assert (stored.accepted, stored.declined) == (1, 1)


async def test_tampered_and_expired_links_are_told_apart() -> None:
    clock = Clock(NOW)
    ctx, _ = context(clock=clock)
    assert (await responses.read_link("tampered", ctx))[0] is responses.LinkState.INVALID
    outcome, _ = listings.cancellable("tampered", ctx)
    assert outcome is listings.CancelOutcome.INVALID


async def test_unmatched_volunteers_are_told_once() -> None:
    clock = Clock(NOW)
    ctx, outbox = context(clock=clock)
    joined = confirmed(interests=[Interest.SPORT])
    await volunteers.volunteer_confirmed(joined, ctx)
    assert await volunteers.tell_unmatched(ctx) == 0
    clock.advance(days=7, seconds=1)
    assert await volunteers.tell_unmatched(ctx) == 1
    assert await volunteers.tell_unmatched(ctx) == 0
    [told] = outbox.of_type("volunteer.unmatched")
    assert told.data.person_id == joined.data.person_id
    assert told.data.days_waiting == 7
    assert told.data.connector_invitation


async def test_a_repeated_confirmation_never_proposes_an_event_twice() -> None:
    clock = Clock(NOW)
    ctx, outbox = context(clock=clock)
    submitted = await listings.submit_event(submit(starts_at=SATURDAY + timedelta(days=14)), ctx)
    await listings.publish_event(approved(submitted.event.id), ctx)
    joined = confirmed()
    await volunteers.volunteer_confirmed(joined, ctx)
    clock.advance(days=8)
    with pytest.raises(AlreadyHandled):
        await volunteers.volunteer_confirmed(joined, ctx)
    assert len(outbox.of_type("match.proposed")) == 1
    stored = await ctx.volunteers.get(joined.data.person_id)
    assert stored is not None
    assert stored.proposals_this_week(clock()) == 0


def updated(person_id: uuid.UUID, **profile: Any) -> VolunteerUpdated:
    fields: dict[str, Any] = {
        "outward_code": "M1",
        "interests": [Interest.FOOD_AND_MUTUAL_AID],
        "travel_radius_km": 10,
        "consents": [Consent.MATCHED_EVENTS],
        **profile,
    }
    return VolunteerUpdated(
        producer="t",
        correlation_id="c",
        data=VolunteerUpdatedData(
            person_id=person_id, confirmed=True, profile=VolunteerProfile(**fields)
        ),
    )


def unsubscribed(person_id: uuid.UUID) -> VolunteerUnsubscribed:
    return VolunteerUnsubscribed(
        producer="t",
        correlation_id="c",
        data=VolunteerUnsubscribedData(person_id=person_id, withdrawn=[Consent.MATCHED_EVENTS]),
    )


async def test_a_redelivered_profile_event_never_undoes_a_later_one() -> None:
    """Profile writes are keyed by the event id (no inbox): an event redelivered after later ones
    finds its id on the profile and changes nothing."""
    ctx, _ = context()
    joined = confirmed(interests=[Interest.SPORT])
    await volunteers.volunteer_confirmed(joined, ctx)
    person_id = joined.data.person_id
    moved = updated(person_id, outward_code="LS1")
    await volunteers.volunteer_updated(moved, ctx)
    left = unsubscribed(person_id)
    await volunteers.volunteer_unsubscribed(left, ctx)
    await volunteers.volunteer_updated(updated(person_id, outward_code="LS1"), ctx)

    for redelivered in (joined, moved):
        with pytest.raises(AlreadyHandled):
            await dispatch_again(redelivered, ctx)
    with pytest.raises(AlreadyHandled):
        await volunteers.volunteer_unsubscribed(left, ctx)
    stored = await ctx.volunteers.get(person_id)
    assert stored is not None
    assert (stored.outward_code, stored.status) == ("LS1", Status.CONFIRMED)
    assert stored.interests == {Interest.FOOD_AND_MUTUAL_AID}


async def dispatch_again(event: VolunteerConfirmed | VolunteerUpdated, ctx: Any) -> None:
    if isinstance(event, VolunteerConfirmed):
        await volunteers.volunteer_confirmed(event, ctx)
    else:
        await volunteers.volunteer_updated(event, ctx)


async def test_an_old_response_link_has_expired(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from matching.domain.links import RESPONSE_MAX_AGE_SECONDS

    ctx, outbox = context()
    await volunteers.volunteer_confirmed(confirmed(), ctx)
    submitted = await listings.submit_event(submit(), ctx)
    done = await listings.publish_event(approved(submitted.event.id), ctx)
    assert done is not None
    published = done.event
    await matching.match_event(published, correlation_id="c", ctx=ctx)
    [proposal] = outbox.of_type("match.proposed")
    later = time.time() + RESPONSE_MAX_AGE_SECONDS + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    state, found = await responses.read_link(token(proposal.data.respond_url), ctx)
    assert (state, found) == (responses.LinkState.EXPIRED, None)


async def test_answering_the_same_way_twice_counts_once_in_the_score() -> None:
    ctx, outbox = context()
    person = confirmed()
    await volunteers.volunteer_confirmed(person, ctx)
    submitted = await listings.submit_event(submit(places=2), ctx)
    done = await listings.publish_event(approved(submitted.event.id), ctx)
    assert done is not None
    published = done.event
    await matching.match_event(published, correlation_id="c", ctx=ctx)
    [proposed] = outbox.of_type("match.proposed")
    for _ in range(3):
        _, proposal = await responses.read_link(token(proposed.data.respond_url), ctx)
        assert proposal is not None
        await responses.respond(proposal, accept=True, correlation_id="c", ctx=ctx)
    stored = await ctx.volunteers.get(person.data.person_id)
    assert stored is not None
    assert stored.accepted == 1
