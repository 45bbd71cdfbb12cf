"""Rules that moved out of moderation's handlers and adapters into its domain: queue order,
retention of rejected stories, a story as shared, a listing sent again, who claims what, freeing a
claim, telling a breach once, which statuses the queue shows, bulk decisions, what a lead may not
do to their own account, and when a session ends."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from moderation.domain.decisions import (
    Action,
    LeadRequiredError,
    Moderator,
    Reason,
    Role,
    check_bulk,
)
from moderation.domain.items import (
    FOR_LEADS,
    OPEN,
    Claim,
    Item,
    Kind,
    ListingDetails,
    Status,
    shared_story,
)
from moderation.domain.moderators import (
    OWN_ACCOUNT_REFUSALS,
    Account,
    AccountError,
    check_not_own,
)
from moderation.domain.queue import QueueFilter
from moderation.domain.screening import screen
from moderation.domain.sessions import TOKEN_BYTES, TOUCH_EVERY, Session, plausible_token

from .items import a_story

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ANN = Moderator("ann")
LEAD = Moderator("lena", Role.LEAD)
IDLE = timedelta(minutes=30)


def story(text: str = "We sang on the doorsteps.") -> Item:
    return a_story(NOW, text)


def listing(title: str = "Community lunch", text: str = "Soup and chat.", **extra: str) -> Item:
    return Item(
        kind=Kind.LISTING,
        title=title,
        text=text,
        region="M1",
        created_at=NOW,
        details=ListingDetails(
            event_type="social",
            starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=2),
            places=10,
        ),
        screening=screen(title=title, text=text),
        extra=dict(extra),
    )


def test_held_and_escalated_items_come_first_in_the_queue() -> None:
    pending, held = story(), story()
    held.status = Status.HELD
    escalated = story()
    escalated.escalate(ANN, NOW, reason=Reason.UNSURE, note="")

    assert [pending.queue_priority, held.queue_priority, escalated.queue_priority] == [1, 0, 0]


def test_only_a_rejected_story_carries_the_time_its_retention_counts_from() -> None:
    rejected, approved, rejected_listing = story(), story(), listing()
    rejected.reject(ANN, NOW, reason=Reason.SPAM, note="")
    approved.approve(ANN, NOW)
    rejected_listing.reject(ANN, NOW, reason=Reason.SPAM, note="")

    assert rejected.rejected_story_at == NOW
    assert approved.rejected_story_at is None
    assert rejected_listing.rejected_story_at is None
    assert story().rejected_story_at is None


def test_an_approved_listing_sent_again_goes_back_into_the_queue_with_its_new_text() -> None:
    item = listing(submitted_event_id="first")
    item.take_claim(ANN, NOW)
    item.approve(ANN, NOW)
    later = NOW + timedelta(days=1)
    fresh = replace(
        listing("Community lunch and games", "Soup, chat and games.", submitted_event_id="second"),
        created_at=later,
    )

    assert item.resubmitted(fresh)

    assert item.status is Status.PENDING
    assert (item.title, item.text) == ("Community lunch and games", "Soup, chat and games.")
    assert item.decided_at is None
    assert item.claim is None
    assert item.created_at == later
    assert item.extra["submitted_event_id"] == "second"


def test_an_open_listing_sent_again_takes_the_new_text_and_keeps_its_place() -> None:
    item = listing(submitted_event_id="first")
    fresh = replace(listing("Lunch", "Soup.", submitted_event_id="second"), created_at=NOW)

    assert item.resubmitted(fresh)

    assert item.status is Status.PENDING
    assert item.title == "Lunch"
    assert item.created_at == NOW


def test_a_redelivered_or_closed_listing_does_not_change_when_sent_again() -> None:
    item = listing(submitted_event_id="first")
    assert not item.resubmitted(listing("Other", "Other.", submitted_event_id="first"))
    assert item.title == "Community lunch"

    rejected = listing(submitted_event_id="first")
    rejected.reject(ANN, NOW, reason=Reason.SPAM, note="")
    assert not rejected.resubmitted(listing("Other", "Other.", submitted_event_id="second"))
    assert rejected.status is Status.REJECTED


def test_a_story_is_kept_only_with_consent_and_its_outcome_told_only_to_an_email() -> None:
    with pytest.raises(ValueError, match="consent"):
        shared_story(prompt="closer", consent_to_publish=False)

    with_email = shared_story(
        prompt="closer",
        consent_to_publish=True,
        author_email="  Ann@Example.ORG ",
        notify_outcome=True,
    )
    without = shared_story(prompt="closer", consent_to_publish=True, notify_outcome=True)

    assert with_email.author_email == "ann@example.org"
    assert with_email.notify_outcome
    assert without.author_email is None
    assert not without.notify_outcome


def test_only_a_lead_claims_a_held_or_escalated_item() -> None:
    item = story()
    item.status = Status.HELD

    with pytest.raises(LeadRequiredError):
        item.take_claim(ANN, NOW)
    assert item.take_claim(LEAD, NOW).moderator == "lena"


def test_bulk_decisions_approve_or_reject_with_a_reason() -> None:
    check_bulk(Action.APPROVE, None)
    check_bulk(Action.REJECT, Reason.SPAM)
    with pytest.raises(ValueError, match="approve or reject"):
        check_bulk(Action.ESCALATE, Reason.UNSURE)
    with pytest.raises(ValueError, match="needs a reason"):
        check_bulk(Action.REJECT, None)


def test_a_lead_frees_a_claim_someone_else_holds() -> None:
    item = story()
    item.claim = Claim("ann", NOW + timedelta(minutes=5))

    item.free_claim()

    assert item.claim is None


def test_a_breach_told_is_not_told_again() -> None:
    item = story()

    item.tell_breach(NOW)

    assert item.breach_told_at == NOW


def test_the_queue_shows_open_items_to_everyone_and_held_or_escalated_ones_to_leads() -> None:
    assert QueueFilter().wanted_statuses == OPEN
    assert QueueFilter(for_leads=True).wanted_statuses == FOR_LEADS
    chosen = frozenset({Status.APPROVED})
    assert QueueFilter(for_leads=True, statuses=chosen).wanted_statuses == chosen


@pytest.mark.parametrize("change", sorted(OWN_ACCOUNT_REFUSALS))
def test_a_lead_may_not_change_their_own_account_alone(change: str) -> None:
    lead = Account(
        email="l@example.org", name="Lena", role=Role.LEAD, password_hash="", created_at=NOW
    )

    with pytest.raises(AccountError, match=OWN_ACCOUNT_REFUSALS[change]):
        check_not_own(lead.id, by=lead, change=change)
    check_not_own(uuid4(), by=lead, change=change)


def test_a_session_ends_at_its_end_or_after_being_idle() -> None:
    session = Session.start(uuid4(), now=NOW, lifetime=timedelta(hours=8))

    assert session.lifetime == timedelta(hours=8)
    assert session.ends(idle=IDLE) == NOW + IDLE
    assert not session.ended(NOW + IDLE - timedelta(seconds=1), idle=IDLE)
    assert session.ended(NOW + IDLE, idle=IDLE)
    used = replace(session, last_seen=NOW + timedelta(hours=7, minutes=50))
    assert used.ends(idle=IDLE) == NOW + timedelta(hours=8)
    assert used.ended(NOW + timedelta(hours=8), idle=IDLE)


def test_a_session_records_its_use_at_most_once_a_minute() -> None:
    session = Session.start(uuid4(), now=NOW, lifetime=timedelta(hours=8))

    assert session.touched(NOW + TOUCH_EVERY - timedelta(seconds=1)) is None
    touched = session.touched(NOW + TOUCH_EVERY)
    assert touched is not None
    assert touched.last_seen == NOW + TOUCH_EVERY
    assert touched.ends(idle=IDLE) == NOW + TOUCH_EVERY + IDLE


def test_a_session_starts_with_its_own_tokens_and_only_plausible_tokens_are_looked_up() -> None:
    one = Session.start(uuid4(), now=NOW, lifetime=timedelta(minutes=10), stage="password")
    two = Session.start(uuid4(), now=NOW, lifetime=timedelta(minutes=10))

    assert not one.full
    assert two.full
    assert len({one.token, one.csrf, two.token, two.csrf}) == 4
    assert plausible_token(one.token)
    assert not plausible_token("")
    assert not plausible_token("x" * (2 * TOKEN_BYTES + 1))
