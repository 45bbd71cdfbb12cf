"""Rosters: places taken and given up become changes for the organiser's digest, at most one an
hour; each cause counts once; an erased person is only a freed place."""

from datetime import UTC, datetime, timedelta

import pytest
from notifications.domain.rosters import GAP, Roster
from notifications.domain.suppressions import UNSUBSCRIBED, blocks
from notifications.handlers.organisers import DIGEST_KIND
from notifications.handlers.when import span

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_the_first_change_is_due_at_once_and_the_next_an_hour_after_the_digest() -> None:
    roster = Roster("e1")
    assert roster.first_time("c1")
    roster.place("nia", waitlisted=False, share=False, cause="c1", now=NOW)
    assert roster.digest_due_at == NOW
    roster.digested(list(roster.changes), now=NOW)
    assert roster.digest_due_at is None

    later = NOW + timedelta(minutes=5)
    roster.leave("nia", cause="c2", now=later)
    assert roster.digest_due_at == NOW + GAP
    assert [c.kind for c in roster.changes.values()] == ["gave_up"]


def test_a_cause_counts_once() -> None:
    roster = Roster("e1")
    assert roster.first_time("c1")
    assert not roster.first_time("c1")


def test_the_waitlist_is_not_a_change_until_a_place_is_given() -> None:
    roster = Roster("e1")
    roster.place("cai", waitlisted=True, share=True, cause="c1", now=NOW)
    assert roster.changes == {}
    assert roster.waiting() == 1
    roster.place("cai", waitlisted=False, share=True, cause="c2", now=NOW)
    assert [c.kind for c in roster.changes.values()] == ["took"]
    assert roster.taken() == ["cai"]


def test_an_erased_person_is_only_a_freed_place() -> None:
    roster = Roster("e1")
    roster.place("ben", waitlisted=False, share=True, cause="c1", now=NOW)
    roster.forget("ben", cause="erased", now=NOW)
    assert roster.people == {}
    assert {(c.kind, c.person_id) for c in roster.changes.values()} == {
        ("took", ""),
        ("gave_up", ""),
    }


def test_a_cancelled_event_has_no_one_and_nothing_to_tell() -> None:
    roster = Roster("e1")
    roster.place("nia", waitlisted=False, share=False, cause="c1", now=NOW)
    roster.cancel()
    roster.leave("nia", cause="c2", now=NOW)
    assert (roster.people, roster.changes, roster.digest_due_at) == ({}, {}, None)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Saturday 5 December, 12:00 to 14:30"),
        ("cy", "Dydd Sadwrn 5 Rhagfyr, 12:00 tan 14:30"),
    ],
)
def test_a_span_reads_as_people_say_it_in_uk_time(language: str, said: str) -> None:
    starts = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # GMT in December
    assert span(starts, starts + timedelta(hours=2, minutes=30), language) == said


def test_a_span_in_summer_time_and_over_midnight() -> None:
    starts = datetime(2026, 7, 4, 21, 0, tzinfo=UTC)  # 22:00 BST
    assert span(starts, starts + timedelta(hours=3), "en") == (
        "Saturday 4 July, 22:00 to Sunday 5 July, 01:00"
    )


def test_an_organiser_who_unsubscribed_gets_no_digest_but_still_their_page_link() -> None:
    assert blocks(UNSUBSCRIBED, kind=DIGEST_KIND)
    assert not blocks(UNSUBSCRIBED, kind="requested")
