"""A listing's life on the event itself: published, rejected, withdrawn, cancelled; and a
volunteer profile's status from the consents signups holds."""

import pytest
from matching.domain.community_events import EventStatus
from matching.domain.volunteers import Status
from together_contracts import Consent

from .test_scoring import event, volunteer

pytestmark = pytest.mark.unit


def test_a_submitted_listing_is_published_once() -> None:
    listed = event(status=EventStatus.SUBMITTED)
    assert listed.publish()
    assert listed.status is EventStatus.PUBLISHED
    assert not listed.publish()
    assert listed.status is EventStatus.PUBLISHED


def test_approving_a_published_listing_applies_its_pending_text_only() -> None:
    listed = event(pending_title="Supper", rejection_reason="other")
    assert not listed.publish()
    assert (listed.title, listed.description) == ("Supper", "Soup")
    assert (listed.pending_title, listed.pending_description) == (None, None)
    assert listed.rejection_reason == ""


@pytest.mark.parametrize("status", [EventStatus.REJECTED, EventStatus.CANCELLED])
def test_a_rejected_or_cancelled_listing_is_never_published(status: EventStatus) -> None:
    listed = event(status=status)
    assert not listed.publish()
    assert listed.status is status


def test_rejection_keeps_the_reason_and_drops_only_a_pending_text() -> None:
    submitted = event(status=EventStatus.SUBMITTED)
    submitted.reject("spam")
    assert (submitted.status, submitted.rejection_reason) == (EventStatus.REJECTED, "spam")
    changed = event(pending_description="Stew")
    changed.reject("tone")
    assert changed.status is EventStatus.PUBLISHED
    assert (changed.description, changed.pending_description) == ("Soup", None)
    assert changed.rejection_reason == "tone"
    settled = event()
    settled.reject("tone")
    assert (settled.status, settled.rejection_reason) == (EventStatus.PUBLISHED, "")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (EventStatus.SUBMITTED, EventStatus.CANCELLED),
        (EventStatus.PUBLISHED, EventStatus.CANCELLED),
        (EventStatus.REJECTED, EventStatus.REJECTED),
        (EventStatus.CANCELLED, EventStatus.CANCELLED),
    ],
)
def test_a_withdrawn_listing_is_cancelled_unless_it_was_rejected(
    before: EventStatus, after: EventStatus
) -> None:
    listed = event(status=before)
    assert listed.withdraw() is before
    assert listed.status is after


@pytest.mark.parametrize("before", list(EventStatus))
def test_the_organiser_cancels_whatever_the_state(before: EventStatus) -> None:
    listed = event(status=before)
    assert listed.cancel() is before
    assert listed.status is EventStatus.CANCELLED


@pytest.mark.parametrize(
    ("consents", "confirmed", "status", "wants"),
    [
        ({Consent.MATCHED_EVENTS}, True, Status.CONFIRMED, True),
        ({Consent.MATCHED_EVENTS}, False, Status.PENDING, True),
        (set(), True, Status.UNSUBSCRIBED, False),
        (set(), False, Status.PENDING, False),
    ],
)
def test_a_profile_status_follows_its_consents(
    consents: set[Consent], confirmed: bool, status: Status, wants: bool
) -> None:
    profile = volunteer()
    profile.take_consents(consents, confirmed=confirmed)
    assert (profile.status, profile.wants_matches) == (status, wants)


def test_withdrawing_the_consent_unsubscribes() -> None:
    profile = volunteer()
    profile.withdraw_matches()
    assert (profile.status, profile.wants_matches) == (Status.UNSUBSCRIBED, False)
