"""Publication rules of an item: personal data goes out as sent only with an override, a lead or
the author takes a published item down, and every such step is in the audit."""

from datetime import UTC, datetime, timedelta

import pytest
from moderation.domain.decisions import (
    Action,
    InvalidDecisionError,
    LeadRequiredError,
    Moderator,
    PersonalDataFlaggedError,
    Role,
)
from moderation.domain.items import Item, Status

from .items import a_story

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
ANN = Moderator("ann")
LEAD = Moderator("lena", Role.LEAD)
PHONE_TEXT = "Ring me on 07700 900123 for soup."


def story(text: str) -> Item:
    return a_story(NOW, text, title="Soup")


def test_a_flagged_item_is_not_approved_as_sent_without_an_override() -> None:
    item = story(PHONE_TEXT)
    assert item.personal_data

    with pytest.raises(PersonalDataFlaggedError):
        item.approve(ANN, NOW)
    with pytest.raises(PersonalDataFlaggedError):
        item.approve(ANN, NOW, override="  ")

    assert item.status is Status.PENDING
    assert item.decisions == []


def test_an_override_publishes_as_sent_and_keeps_its_reason() -> None:
    item = story(PHONE_TEXT)

    decision = item.approve(ANN, NOW, override=" The number is the food bank's. ")

    assert item.status is Status.APPROVED
    assert item.published_text == PHONE_TEXT
    assert (decision.action, decision.note) == (
        Action.APPROVE_OVERRIDE,
        "The number is the food bank's.",
    )


def test_a_redaction_needs_no_override_and_unflagged_items_approve_as_before() -> None:
    flagged = story(PHONE_TEXT)
    flagged.approve(ANN, NOW, redacted_text="Ring the centre for soup.")
    plain = story("We made soup.")
    assert plain.approve(ANN, NOW).action is Action.APPROVE
    assert flagged.status is plain.status is Status.APPROVED


def test_only_a_lead_withdraws_and_only_a_published_item_with_a_reason() -> None:
    item = story("We made soup.")
    with pytest.raises(InvalidDecisionError):
        item.withdraw(LEAD, NOW, reason="too early")
    item.approve(ANN, NOW)
    with pytest.raises(LeadRequiredError):
        item.withdraw(ANN, NOW, reason="mine")
    with pytest.raises(InvalidDecisionError):
        item.withdraw(LEAD, NOW, reason=" ")

    later = NOW + timedelta(days=2)
    decision = item.withdraw(LEAD, later, reason="A neighbour asked.")

    assert item.status is Status.WITHDRAWN
    assert item.published_text is None
    assert (decision.action, decision.moderator, decision.note, decision.at) == (
        Action.WITHDRAW,
        "lena",
        "A neighbour asked.",
        later,
    )
    assert decision.before == "We made soup."
    assert len(item.decisions) == 2
    with pytest.raises(InvalidDecisionError):
        item.withdraw(LEAD, later, reason="again")


def test_the_author_withdraws_a_published_story_once() -> None:
    item = story("We made soup.")
    assert item.withdraw_by_author(NOW) is None
    item.approve(ANN, NOW)

    decision = item.withdraw_by_author(NOW)

    assert decision is not None
    assert decision.action is Action.AUTHOR_WITHDRAW
    assert item.status is Status.WITHDRAWN
    assert item.withdraw_by_author(NOW) is None
