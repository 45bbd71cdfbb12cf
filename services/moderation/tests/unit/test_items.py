"""The rules of deciding an item: claims, leads, the append-only audit, time targets, erasure."""

from datetime import UTC, datetime, timedelta

import pytest
from moderation.domain.decisions import (
    Action,
    AlreadyDecidedError,
    ClaimHeldError,
    InvalidDecisionError,
    LeadRequiredError,
    Moderator,
    Reason,
    Role,
)
from moderation.domain.items import (
    CLAIM_DURATION,
    Item,
    Kind,
    ListingDetails,
    Status,
)
from moderation.domain.regions import InvalidRegionError, normalise_region
from moderation.domain.targets import Targets

from .items import a_story

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
ANN = Moderator("ann")
BOB = Moderator("bob")
LEAD = Moderator("lena", Role.LEAD)


def story(text: str = "We sang on the doorsteps.") -> Item:
    return a_story(
        NOW, text, author_name="Ann", author_email="ann@example.org", notify_outcome=True
    )


def listing() -> Item:
    return Item(
        kind=Kind.LISTING,
        title="Community lunch",
        text="Soup and chat.",
        region="M1",
        created_at=NOW,
        details=ListingDetails("food-and-mutual-aid", NOW, NOW + timedelta(hours=2), places=6),
    )


def test_a_claim_lasts_ten_minutes_and_keeps_others_out() -> None:
    item = story()

    claim = item.take_claim(ANN, NOW)

    assert claim.until == NOW + CLAIM_DURATION
    with pytest.raises(ClaimHeldError) as held:
        item.take_claim(BOB, NOW + timedelta(minutes=9))
    assert held.value.holder == "ann"
    assert "ann" in str(held.value)
    with pytest.raises(ClaimHeldError):
        item.approve(BOB, NOW)
    assert item.take_claim(BOB, NOW + timedelta(minutes=10)).moderator == "bob"


def test_the_holder_renews_and_releases_a_claim() -> None:
    item = story()
    item.take_claim(ANN, NOW)

    renewed = item.take_claim(ANN, NOW + timedelta(minutes=5))
    assert renewed.until == NOW + timedelta(minutes=15)
    item.release(BOB)
    assert item.claim is not None
    item.release(ANN)
    assert item.claim is None


def test_approving_publishes_the_text_and_records_the_decision() -> None:
    item = story()
    item.take_claim(ANN, NOW)

    decision = item.approve(ANN, NOW + timedelta(minutes=1), note="lovely")

    assert item.status is Status.APPROVED
    assert item.published_text == item.text
    assert item.claim is None
    assert decision.action is Action.APPROVE
    assert (decision.moderator, decision.role, decision.note) == ("ann", Role.MODERATOR, "lovely")
    assert decision.before == decision.after == item.text
    assert item.decisions == [decision]
    assert item.decided_at == NOW + timedelta(minutes=1)


def test_approving_with_redactions_keeps_the_original_in_the_audit() -> None:
    item = story("Call me on 07700 900982.")

    decision = item.approve(ANN, NOW, redacted_text="Call me on [phone number removed].")

    assert decision.action is Action.APPROVE_WITH_REDACTIONS
    assert decision.before == "Call me on 07700 900982."
    assert decision.after == item.published_text == "Call me on [phone number removed]."
    assert item.text == "Call me on 07700 900982."


def test_a_redacted_title_is_published() -> None:
    item = story()

    item.approve(ANN, NOW, redacted_title="A choir")

    assert item.published_title == "A choir"
    assert item.decisions[0].action is Action.APPROVE_WITH_REDACTIONS


def test_rejecting_needs_a_reason_from_the_list() -> None:
    item = story()

    with pytest.raises(InvalidDecisionError):
        item.reject(ANN, NOW, reason=Reason.UNSURE, note="")
    decision = item.reject(ANN, NOW, reason=Reason.OFF_TOPIC, note="not about us")

    assert item.status is Status.REJECTED
    assert (decision.reason, decision.after) == (Reason.OFF_TOPIC, None)
    with pytest.raises(AlreadyDecidedError):
        item.approve(LEAD, NOW)


def test_escalating_hands_the_item_to_a_lead() -> None:
    item = story()

    item.escalate(ANN, NOW, reason=Reason.UNSURE, note="is this ok?")

    assert item.status is Status.ESCALATED
    assert item.open
    assert item.for_leads
    with pytest.raises(LeadRequiredError):
        item.approve(ANN, NOW)
    with pytest.raises(InvalidDecisionError):
        item.escalate(BOB, NOW, reason=Reason.UNSURE, note="")
    item.approve(LEAD, NOW)
    assert [d.action for d in item.decisions] == [Action.ESCALATE, Action.APPROVE]


def test_a_safeguarding_item_is_held_for_a_lead() -> None:
    item = story("Some nights I want to end my life.")

    assert item.status is Status.HELD
    with pytest.raises(LeadRequiredError):
        item.approve(ANN, NOW)
    with pytest.raises(LeadRequiredError):
        item.reject(ANN, NOW, reason=Reason.SAFEGUARDING, note="")
    item.reject(LEAD, NOW, reason=Reason.SAFEGUARDING, note="signposted")
    assert item.status is Status.REJECTED


def test_listings_are_approved_as_submitted() -> None:
    item = listing()

    with pytest.raises(InvalidDecisionError):
        item.approve(ANN, NOW, redacted_text="Soup.")
    item.approve(ANN, NOW)
    assert item.status is Status.APPROVED


def test_notes_and_published_text_are_bounded() -> None:
    with pytest.raises(InvalidDecisionError):
        story().reject(ANN, NOW, reason=Reason.SPAM, note="x" * 2001)
    with pytest.raises(InvalidDecisionError):
        story().approve(ANN, NOW, redacted_text="   ")


def test_time_targets() -> None:
    targets = Targets()
    ordinary, held = story(), story("I want to end my life")

    assert not targets.breached(ordinary, NOW + timedelta(hours=47))
    assert targets.to_tell(ordinary, NOW + timedelta(hours=48, seconds=1))
    assert targets.to_tell(held, NOW + timedelta(hours=4, seconds=1))
    held.breach_told_at = NOW
    assert not targets.to_tell(held, NOW + timedelta(hours=5))
    ordinary.approve(ANN, NOW)
    assert not targets.breached(ordinary, NOW + timedelta(days=9))


def test_erasure_unpublishes_and_blanks_a_published_story() -> None:
    item = story("Ring me on 07700 900982")
    item.approve(ANN, NOW, redacted_text="Ring me on [phone number]", note="removed the number")
    decision = item.decisions[0]

    assert item.forget_author() is True

    assert (item.story.author_name, item.story.author_email) == (None, None)
    assert item.status is Status.ERASED
    assert (item.title, item.text, item.published_title, item.published_text) == (
        "",
        "",
        None,
        None,
    )
    assert item.screening.findings == ()
    assert item.screening.suggested_text is None
    [kept] = item.decisions
    assert (kept.before, kept.after, kept.note) == (None, None, "")
    assert (kept.id, kept.action, kept.at, kept.moderator) == (
        decision.id,
        decision.action,
        decision.at,
        decision.moderator,
    )


def test_erasure_empties_an_unpublished_story() -> None:
    item = story("Ring me on 07700 900982")
    item.reject(ANN, NOW, reason=Reason.PERSONAL_DATA, note="had a phone number")

    assert item.forget_author() is False

    assert item.status is Status.ERASED
    assert (item.title, item.text, item.story.author_email) == ("", "", None)
    assert item.screening.findings == ()
    assert item.decisions[0].before is None
    assert item.decisions[0].reason is Reason.PERSONAL_DATA


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("wales", "Wales"),
        ("Cymru", "Wales"),
        ("  north   west ", "North West"),
        ("cf10", "CF10"),
        ("CF10 1AA", "CF10"),
        ("sw1a1aa", "SW1A"),
    ],
)
def test_regions_and_districts(entered: str, stored: str) -> None:
    assert normalise_region(entered) == stored


@pytest.mark.parametrize("entered", ["Narnia", "12345", "CF10 1AA 2"])
def test_unknown_regions_are_refused(entered: str) -> None:
    with pytest.raises(InvalidRegionError):
        normalise_region(entered)
