"""The organiser's handlers with the fakes: the link on submitting, edits, messages, sharing."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from matching.domain.community_events import PlacesTakenError
from matching.handlers import erasure, listings, organising, responses
from together_contracts import ListingDecisionData, ListingRejected

from .fakes import context
from .test_handlers import SATURDAY, approved, submit

pytestmark = pytest.mark.unit


def edit(event: Any, **changes: Any) -> organising.EditEvent:
    fields: dict[str, Any] = {
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "places": event.places,
        "online": event.venue.online,
        "postcode": event.venue.postcode,
        "venue_name": event.venue.name,
        "address_lines": event.venue.address_lines,
        "town": event.venue.town,
        **changes,
    }
    return organising.EditEvent(**fields)


VENUE = {"venue_name": "Riverside", "address_lines": ("12 Mill Lane",), "town": "Manchester"}


async def test_submitting_emails_the_organiser_their_page_in_the_same_write() -> None:
    ctx, outbox = context()
    submitted = await listings.submit_event(submit(organiser_name="Sam Patel", **VENUE), ctx)
    [link] = outbox.of_type("organiser.link_requested")
    assert (link.data.reason, link.data.organiser_name) == ("submitted", "Sam Patel")
    for url in (link.data.manage_url, submitted.manage_url):
        state, found = await organising.read_link(url.rpartition("/")[2], ctx)
        assert state is responses.LinkState.VALID
        assert found is not None
        assert found.id == submitted.event.id


async def test_a_time_edit_of_a_published_event_tells_once_with_was_and_venue() -> None:
    ctx, outbox = context()
    submitted = await listings.submit_event(submit(**VENUE), ctx)
    published = await listings.publish_event(approved(submitted.event.id), ctx)
    assert published is not None
    event = published.event
    later = edit(
        event, starts_at=SATURDAY + timedelta(hours=2), ends_at=SATURDAY + timedelta(hours=3)
    )
    done = await organising.edit_event(event.id, later, correlation_id="c", ctx=ctx)
    assert done.outcome is organising.EditOutcome.SAVED
    [changed] = outbox.of_type("event.changed")
    assert changed.data.changes == ["starts_at", "ends_at"]
    assert changed.data.was.starts_at == SATURDAY
    assert changed.data.event.starts_at == SATURDAY + timedelta(hours=2)
    assert changed.data.venue.address_lines == ["12 Mill Lane"]
    again = await organising.edit_event(event.id, later, correlation_id="c", ctx=ctx)
    assert again.outcome is organising.EditOutcome.UNCHANGED
    assert len(outbox.of_type("event.changed")) == 1


async def test_new_text_waits_for_approval_and_a_rejection_drops_it() -> None:
    ctx, outbox = context()
    submitted = await listings.submit_event(submit(**VENUE), ctx)
    published = await listings.publish_event(approved(submitted.event.id), ctx)
    assert published is not None
    event = published.event
    done = await organising.edit_event(
        event.id, edit(event, description="New words"), correlation_id="c", ctx=ctx
    )
    assert done.moderated
    assert outbox.of_type("event.changed") == []
    assert outbox.of_type("event.submitted")[-1].data.description == "New words"
    stored = await ctx.events.get(event.id)
    assert stored is not None
    assert (stored.description, stored.pending_description) == ("Soup", "New words")
    await listings.publish_event(approved(event.id), ctx)
    stored = await ctx.events.get(event.id)
    assert stored is not None
    assert (stored.description, stored.pending) == ("New words", False)

    await organising.edit_event(
        event.id, edit(stored, title="Buy soup"), correlation_id="c", ctx=ctx
    )
    rejection = ListingRejected(
        producer="t",
        correlation_id="c",
        data=ListingDecisionData(event_id=event.id, reason="commercial"),
    )
    await listings.reject_event(rejection, ctx)
    stored = await ctx.events.get(event.id)
    assert stored is not None
    assert (stored.title, stored.pending, stored.rejection_reason) == ("Lunch", False, "commercial")
    assert stored.open


async def test_places_promote_the_waitlist_and_cannot_drop_below_those_taken() -> None:
    ctx, outbox = context()
    submitted = await listings.submit_event(submit(places=1, **VENUE), ctx)
    published = await listings.publish_event(approved(submitted.event.id), ctx)
    assert published is not None
    event = published.event
    first, second = uuid.uuid4(), uuid.uuid4()
    for person in (first, second):

        def take(e: Any, person: uuid.UUID = person) -> list[Any]:
            e.answer(person, accept=True)
            return []

        await ctx.events.change(event.id, take)
    current = await ctx.events.get(event.id)
    assert current is not None
    await organising.edit_event(event.id, edit(current, places=2), correlation_id="c", ctx=ctx)
    [promoted] = outbox.of_type("match.accepted")
    assert (promoted.data.person_id, promoted.data.from_waitlist) == (second, True)
    current = await ctx.events.get(event.id)
    assert current is not None
    with pytest.raises(PlacesTakenError):
        await organising.edit_event(event.id, edit(current, places=1), correlation_id="c", ctx=ctx)
    assert (await ctx.events.get(event.id)).places == 2  # type: ignore[union-attr]


async def test_a_message_and_sharing_go_only_to_people_with_a_place() -> None:
    ctx, outbox = context()
    submitted = await listings.submit_event(submit(organiser_name="Sam Patel", **VENUE), ctx)
    event_id = submitted.event.id
    assert not await organising.post_message(event_id, "Hello", correlation_id="c", ctx=ctx)
    await listings.publish_event(approved(event_id), ctx)
    person = uuid.uuid4()
    assert not await responses.set_sharing(event_id, person, True, correlation_id="c", ctx=ctx)

    def take(e: Any) -> list[Any]:
        e.answer(person, accept=True)
        return []

    await ctx.events.change(event_id, take)
    assert await organising.post_message(event_id, "Hello", correlation_id="c", ctx=ctx)
    [posted] = outbox.of_type("event.message_posted")
    assert (posted.data.accepted, posted.data.organiser_first_name) == ([person], "Sam")
    assert await responses.set_sharing(event_id, person, True, correlation_id="c", ctx=ctx)
    assert not await responses.set_sharing(event_id, person, True, correlation_id="c", ctx=ctx)
    [shared] = outbox.of_type("match.sharing_changed")
    assert shared.data.share_contact is True


async def test_organiser_erasure_blanks_the_venue_and_the_contact() -> None:
    from together_contracts import email_digest

    ctx, _ = context()
    command = submit(organiser_name="Sam Patel", organiser_phone="0161 496 0000", **VENUE)
    submitted = await listings.submit_event(command, ctx)
    key = ctx.events.erasure_key  # type: ignore[attr-defined]
    assert await erasure.forget_organiser(email_digest("org@example.org", key=key), ctx=ctx) == 1
    stored = await ctx.events.get(submitted.event.id)
    assert stored is not None
    assert (stored.organiser.name, stored.organiser.phone, stored.organiser_email) == ("", "", "")
    assert (stored.venue.name, stored.venue.address_lines, stored.venue.town) == ("", (), "")
    assert (stored.venue.postcode, stored.venue.outward_code) == ("M1", "M1")


async def test_a_waitlisted_volunteer_who_ticked_share_shares_once_given_the_place() -> None:
    ctx, outbox = context()
    submitted = await listings.submit_event(submit(places=1, **VENUE), ctx)
    published = await listings.publish_event(approved(submitted.event.id), ctx)
    assert published is not None
    event = published.event
    first, waiting = uuid.uuid4(), uuid.uuid4()
    for person in (first, waiting):
        proposal = responses.Proposal(uuid.uuid4(), person, event)
        await responses.respond(proposal, accept=True, correlation_id="c", ctx=ctx, share=True)
    gone = responses.Proposal(uuid.uuid4(), first, event)
    await responses.respond(gone, accept=False, correlation_id="c", ctx=ctx)
    promoted = [e for e in outbox.of_type("match.accepted") if e.data.from_waitlist]
    assert [e.data.person_id for e in promoted] == [waiting]
    assert promoted[0].data.share_contact is True
