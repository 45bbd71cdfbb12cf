"""The rules of a pledge's moderation in signups: only a waiting pledge is published, a rejection
is final, and pledges shown before moderation stay public as they were."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from signups.domain.organisations import Organisation, Pledge
from signups.domain.pledges import DecisionOutcome, PledgeStatus

from .fakes import RIVERSIDE

pytestmark = pytest.mark.unit

JOINED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
CONFIRMED = JOINED + timedelta(hours=1)
DECIDED = JOINED + timedelta(days=1)


def organisation(*, confirmed: bool = True) -> Organisation:
    joined = Organisation(RIVERSIDE, Pledge("A monthly community lunch."), joined_at=JOINED)
    if confirmed:
        joined.confirm(joined.confirmation_nonce or "", CONFIRMED)
    return joined


def approve(org: Organisation, text: str = "A monthly lunch.") -> DecisionOutcome:
    return org.approve_pledge(org.pledge.id, organisation_name="Riverside", text=text, now=DECIDED)


def test_a_pledge_waits_for_a_moderator_once_its_contact_confirms() -> None:
    assert organisation(confirmed=False).pledge_status is PledgeStatus.UNCONFIRMED
    assert organisation().pledge_status is PledgeStatus.WAITING


def test_an_approved_pledge_is_published_as_the_moderator_approved_it() -> None:
    org = organisation()

    assert approve(org, "A monthly lunch, [phone number removed].") is DecisionOutcome.PUBLISHED

    assert org.pledge_status is PledgeStatus.APPROVED
    decision = org.pledge_decision
    assert decision is not None
    assert (decision.organisation_name, decision.text, decision.at) == (
        "Riverside",
        "A monthly lunch, [phone number removed].",
        DECIDED,
    )
    assert not decision.before_moderation
    assert approve(org, "Something else") is DecisionOutcome.UNCHANGED
    assert org.pledge_decision == decision


def test_a_rejection_takes_an_approved_pledge_down_and_is_final() -> None:
    org = organisation()
    approve(org)

    outcome = org.reject_pledge(org.pledge.id, reason="off-topic", now=DECIDED)

    assert outcome is DecisionOutcome.WITHDRAWN
    assert org.pledge_status is PledgeStatus.REJECTED
    assert org.pledge_decision is not None
    assert org.pledge_decision.reason == "off-topic"
    assert approve(org) is DecisionOutcome.REFUSED
    assert org.pledge_status is PledgeStatus.REJECTED
    assert org.reject_pledge(org.pledge.id, reason=None, now=DECIDED) is DecisionOutcome.UNCHANGED


def test_an_approval_arriving_after_its_rejection_never_publishes() -> None:
    org = organisation()
    org.reject_pledge(org.pledge.id, reason="abusive", now=DECIDED)

    assert approve(org) is DecisionOutcome.REFUSED
    assert org.pledge_status is PledgeStatus.REJECTED


def test_an_unconfirmed_pledge_is_never_published() -> None:
    org = organisation(confirmed=False)

    assert approve(org) is DecisionOutcome.REFUSED
    assert org.pledge_status is PledgeStatus.UNCONFIRMED


def test_a_decision_on_another_pledge_changes_nothing() -> None:
    org = organisation()

    approved = org.approve_pledge(uuid4(), organisation_name="X", text="Y", now=DECIDED)
    rejected = org.reject_pledge(uuid4(), reason="spam", now=DECIDED)

    assert approved is rejected is DecisionOutcome.REFUSED
    assert org.pledge_status is PledgeStatus.WAITING
    assert org.pledge_decision is None


def test_a_pledge_shown_before_moderation_stays_public_as_it_was() -> None:
    shown, never_confirmed = organisation(), organisation(confirmed=False)

    assert shown.keep_pledge_shown_before_moderation()
    assert not never_confirmed.keep_pledge_shown_before_moderation()

    assert shown.pledge_status is PledgeStatus.APPROVED
    decision = shown.pledge_decision
    assert decision is not None
    assert decision.before_moderation
    assert (decision.organisation_name, decision.text, decision.at) == (
        "Riverside Kitchen",
        "A monthly community lunch.",
        CONFIRMED,
    )
    assert never_confirmed.pledge_status is PledgeStatus.UNCONFIRMED
    assert not shown.keep_pledge_shown_before_moderation(), "kept once"
