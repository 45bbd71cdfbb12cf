"""Erased values taken out of the events a document has not published yet."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from together_contracts import (
    EventSummary,
    EventVenue,
    Interest,
    MatchAccepted,
    MatchAcceptedData,
    OrganiserContact,
    StoryApproved,
    StoryOutcomeData,
    StoryWithdrawn,
)
from together_kit.messaging.outbox import staged
from together_kit.messaging.redaction import erased_values, redacted

pytestmark = pytest.mark.unit

STARTS = datetime(2027, 3, 6, 11, tzinfo=UTC)


def story_approved(*, title: str = "The street choir") -> StoryApproved:
    return StoryApproved(
        producer="moderation",
        correlation_id="c",
        data=StoryOutcomeData(
            story_id=uuid.uuid4(), title=title, author_email="ann@example.org", author_name="Ann"
        ),
    )


def match_accepted(person_id: uuid.UUID) -> MatchAccepted:
    return MatchAccepted(
        producer="matching",
        correlation_id="c",
        data=MatchAcceptedData(
            match_id=uuid.uuid4(),
            person_id=person_id,
            event=EventSummary(
                event_id=uuid.uuid4(),
                title="Litter pick",
                event_type=Interest.ENVIRONMENT,
                starts_at=STARTS,
                ends_at=STARTS + timedelta(hours=2),
                outward_code="M1",
            ),
            outcome="accepted",
            respond_url="https://events.together.example/r/1",
            venue=EventVenue(
                name="Riverside Hall",
                address_lines=["1 River Street", "Ancoats"],
                town="Manchester",
                postcode="M1 1AE",
                arrival_notes="Side door",
            ),
            organiser=OrganiserContact(first_name="Sam", email="sam@example.org", phone="0161"),
        ),
    )


def test_the_values_a_change_removes_are_those_left_nowhere_in_the_document() -> None:
    before = {
        "_id": "e1",
        "title": "Litter pick",
        "organiser": {"email": "sam@example.org", "name": "Sam"},
        "venue": {"postcode": "M1 1AE", "lines": ["1 River Street"], "district": "M1"},
        "outbox": [{"data": {"title": "not a field of the document"}}],
    }
    after = {
        **before,
        "organiser": {"email": "", "name": ""},
        "venue": {"postcode": "M1", "lines": [], "district": "M1"},
    }
    assert erased_values(before, after) == {"sam@example.org", "Sam", "M1 1AE", "1 River Street"}


def test_a_key_the_change_removes_is_erased_too() -> None:
    person = str(uuid.uuid4())
    before = {"_id": "e1", "attendance": {person: True, "someone-else": False}}
    after = {"_id": "e1", "attendance": {"someone-else": False}}
    assert erased_values(before, after) == {person}


def test_an_event_that_cannot_be_told_without_an_erased_value_is_dropped() -> None:
    kept = story_approved(title="Kept")
    erased = story_approved()
    pending = staged([erased, kept])

    left = redacted(pending, {"The street choir", "Ann", "ann@example.org"})

    assert [event["id"] for event in left] == [str(kept.id)]
    assert left[0]["data"]["author_name"] is None
    assert left[0]["data"]["author_email"] is None


def test_what_may_be_empty_is_emptied_and_the_event_kept_in_place() -> None:
    person = uuid.uuid4()
    accepted = match_accepted(person)
    withdrawn = StoryWithdrawn.model_validate(
        {
            "producer": "moderation",
            "correlation_id": "c",
            "data": {"story_id": str(uuid.uuid4()), "by": "erasure"},
        }
    )
    pending = staged([accepted, withdrawn])

    left = redacted(
        pending, {"Sam", "sam@example.org", "0161", "Riverside Hall", "1 River Street", "M1 1AE"}
    )

    assert [event["id"] for event in left] == [str(accepted.id), str(withdrawn.id)]
    data = left[0]["data"]
    assert data["organiser"] is None, "a contact without its required name is no contact"
    assert data["venue"]["name"] == ""
    assert data["venue"]["postcode"] == ""
    assert data["venue"]["address_lines"] == ["Ancoats"]
    assert data["venue"]["town"] == "Manchester"
    assert data["event"]["title"] == "Litter pick"
    assert MatchAccepted.model_validate(left[0]).id == accepted.id
    assert left[1] == pending[1]


def test_an_event_about_an_erased_volunteer_is_dropped() -> None:
    person = uuid.uuid4()
    pending = staged([match_accepted(person), match_accepted(uuid.uuid4())])

    left = redacted(pending, {str(person)})

    assert [event["data"]["person_id"] for event in left] == [pending[1]["data"]["person_id"]]


def test_nothing_erased_leaves_the_events_as_they_were() -> None:
    pending = staged([story_approved(), match_accepted(uuid.uuid4())])
    assert redacted(pending, frozenset()) == pending
    assert redacted(pending, {"a value no event holds"}) == pending


def test_an_event_of_a_type_the_registry_does_not_know_has_its_erased_strings_blanked() -> None:
    pending = [{"id": "1", "type": "local.thing", "version": 1, "data": {"who": ["Ann", "Bo"]}}]
    assert redacted(pending, {"Ann"}) == [
        {"id": "1", "type": "local.thing", "version": 1, "data": {"who": ["", "Bo"]}}
    ]
