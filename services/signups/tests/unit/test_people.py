"""The rules about people and organisations: consents, double opt-in, rejoining, purging."""

from datetime import timedelta

import pytest
from signups.domain.organisations import Organisation
from signups.domain.people import (
    ChangeFollowed,
    ConfirmOutcome,
    ConsentRecord,
    Mail,
    Person,
    Status,
)
from together_contracts import Consent, Interest

from .fakes import NOW, PLEDGE, RIVERSIDE, context, details, joined

pytestmark = pytest.mark.unit


def test_join_is_pending_and_records_each_consent_given() -> None:
    person = Person.join(
        details(consents=frozenset({Consent.MATCHED_EVENTS, Consent.NEWS})),
        context(source="api", form_version="2026-11"),
    )

    assert person.status is Status.PENDING
    assert not person.confirmed
    assert person.joined_at == NOW
    assert person.confirmation_nonce
    assert person.consent_log == [
        ConsentRecord(Consent.MATCHED_EVENTS, True, "2026-11", "api", NOW),
        ConsentRecord(Consent.NEWS, True, "2026-11", "api", NOW),
    ]


def test_join_without_consents_records_none() -> None:
    assert joined(consents=frozenset()).consent_log == []


def test_rejoin_with_the_same_details_changes_nothing_but_may_resend_the_confirmation() -> None:
    person = joined()
    person.confirmation_sent(NOW)

    mail = person.rejoin(details(), context(NOW + timedelta(days=1)))

    assert mail is Mail.CONFIRM_ADDRESS
    assert person.confirmation_sent_at == NOW + timedelta(days=1)
    assert (person.details, len(person.consent_log), person.pending_change) == (details(), 1, None)


def test_rejoin_with_changed_details_only_keeps_them_pending() -> None:
    person = joined()
    assert person.confirm(person.confirmation_nonce or "", NOW) is ConfirmOutcome.CONFIRMED
    later = NOW + timedelta(days=2)
    new = details(name="Someone Else", travel_radius_km=25, consents=frozenset({Consent.NEWS}))

    mail = person.rejoin(new, context(later, source="partner", form_version="2027-01"))

    assert mail is Mail.CONFIRM_CHANGE
    assert person.details == details()
    assert len(person.consent_log) == 1
    assert person.pending_change is not None
    assert (person.pending_change.details, person.pending_change.requested_at) == (new, later)


def test_confirming_the_change_applies_it_and_logs_consents_as_given_through_the_link() -> None:
    person = joined()
    assert person.confirm(person.confirmation_nonce or "", NOW) is ConfirmOutcome.CONFIRMED
    new = details(travel_radius_km=25, consents=frozenset({Consent.NEWS}))
    person.rejoin(new, context(NOW, source="partner", form_version="2027-01"))
    assert person.pending_change is not None
    nonce = person.pending_change.nonce
    later = NOW + timedelta(hours=1)

    assert person.confirm_change("wrong", later) is ConfirmOutcome.INVALID
    assert person.details == details()
    assert person.confirm_change(nonce, later) is ConfirmOutcome.CONFIRMED
    assert person.confirm_change(nonce, later) is ConfirmOutcome.ALREADY_CONFIRMED

    assert person.details == new
    assert person.consent_log[1:] == [
        ConsentRecord(Consent.MATCHED_EVENTS, False, "2027-01", "change-link", later),
        ConsentRecord(Consent.NEWS, True, "2027-01", "change-link", later),
    ]


def test_rejoin_changing_only_details_logs_no_consent_when_confirmed() -> None:
    person = joined()
    person.rejoin(details(name="Ann Morgan"), context())
    assert person.pending_change is not None

    assert person.confirm_change(person.pending_change.nonce, NOW) is ConfirmOutcome.CONFIRMED
    assert person.details.name == "Ann Morgan"
    assert person.confirmed
    assert len(person.consent_log) == 1


def test_a_pending_person_never_sent_a_confirmation_is_sent_one() -> None:
    assert joined().should_send_confirmation(NOW) is True


@pytest.mark.parametrize(
    ("minutes_ago", "send"),
    [(0, False), (5, False), (9, False), (10, True), (11, True)],
)
def test_at_most_one_confirmation_per_ten_minutes(minutes_ago: int, send: bool) -> None:
    person = joined()
    person.confirmation_sent(NOW - timedelta(minutes=minutes_ago))

    assert person.should_send_confirmation(NOW) is send


def test_a_confirmed_person_is_never_sent_another_confirmation() -> None:
    person = joined()
    assert person.confirm(person.confirmation_nonce or "", NOW) is ConfirmOutcome.CONFIRMED

    assert person.should_send_confirmation(NOW + timedelta(days=1)) is False


def test_confirm_with_the_right_nonce_confirms_once() -> None:
    person = joined()
    nonce = person.confirmation_nonce or ""
    later = NOW + timedelta(hours=1)

    assert person.confirm(nonce, later) is ConfirmOutcome.CONFIRMED
    assert person.status is Status.CONFIRMED
    assert person.confirmed_at == later
    assert person.confirmation_nonce is None
    assert person.confirm(nonce, later) is ConfirmOutcome.ALREADY_CONFIRMED
    assert person.confirmed_at == later


def test_confirm_with_a_wrong_nonce_is_invalid_and_changes_nothing() -> None:
    person = joined()

    assert person.confirm("not-the-nonce", NOW) is ConfirmOutcome.INVALID
    assert person.status is Status.PENDING
    assert person.confirmed_at is None


def test_withdraw_email_consent_returns_what_was_given_and_logs_it() -> None:
    person = joined(consents=frozenset({Consent.MATCHED_EVENTS, Consent.NEWS}))
    later = NOW + timedelta(days=3)

    withdrawn = person.withdraw_email_consent(context(later, source="link"))

    assert withdrawn == frozenset({Consent.MATCHED_EVENTS, Consent.NEWS})
    assert person.details.consents == frozenset()
    assert person.consent_log[2:] == [
        ConsentRecord(Consent.MATCHED_EVENTS, False, "2026-11", "link", later),
        ConsentRecord(Consent.NEWS, False, "2026-11", "link", later),
    ]
    assert person.withdraw_email_consent(context(later)) == frozenset()
    assert len(person.consent_log) == 4


@pytest.mark.parametrize(
    ("age", "purgeable"),
    [(timedelta(days=29, hours=23), False), (timedelta(days=30), True), (timedelta(days=45), True)],
)
def test_a_pending_person_is_purgeable_after_30_days(age: timedelta, purgeable: bool) -> None:
    assert joined().purgeable(NOW + age) is purgeable


def test_a_confirmed_person_is_never_purgeable() -> None:
    person = joined()
    person.confirm(person.confirmation_nonce or "", NOW)

    assert person.purgeable(NOW + timedelta(days=365)) is False


def organisation() -> Organisation:
    return Organisation(
        details=RIVERSIDE,
        pledge=PLEDGE,
        joined_at=NOW,
    )


def test_organisation_confirms_with_the_right_nonce_once() -> None:
    org = organisation()
    nonce = org.confirmation_nonce or ""
    assert not org.confirmed

    assert org.confirm("wrong", NOW) is ConfirmOutcome.INVALID
    assert not org.confirmed
    assert org.confirm(nonce, NOW) is ConfirmOutcome.CONFIRMED
    assert org.confirmed
    assert org.confirmed_at == NOW
    assert org.confirmation_nonce is None
    assert org.confirm(nonce, NOW) is ConfirmOutcome.ALREADY_CONFIRMED


def test_following_a_change_link_says_whether_the_contact_changed() -> None:
    person = joined()
    person.confirm(person.confirmation_nonce or "", NOW)
    later = NOW + timedelta(hours=1)
    person.rejoin(details(name="Ann Evans"), context(later))
    assert person.pending_change is not None
    nonce = person.pending_change.nonce

    assert person.follow_change_link("wrong", later) == ChangeFollowed(ConfirmOutcome.INVALID)
    assert person.follow_change_link(nonce, later) == ChangeFollowed(
        ConfirmOutcome.CONFIRMED, contact_changed=True, first_confirmation=False
    )
    assert person.follow_change_link(nonce, later) == ChangeFollowed(
        ConfirmOutcome.ALREADY_CONFIRMED
    )


def test_a_change_followed_before_the_address_was_confirmed_confirms_it() -> None:
    person = joined()
    later = NOW + timedelta(hours=1)
    person.rejoin(details(interests=(Interest.FOOD_AND_MUTUAL_AID,)), context(later))
    assert person.pending_change is not None

    followed = person.follow_change_link(person.pending_change.nonce, later)

    assert followed == ChangeFollowed(
        ConfirmOutcome.CONFIRMED, contact_changed=False, first_confirmation=True
    )
    assert person.confirmed


def test_a_language_alone_changes_the_contact() -> None:
    person = joined()
    person.confirm(person.confirmation_nonce or "", NOW)
    person.rejoin(details(language="en"), context(NOW))
    assert person.pending_change is not None

    assert person.follow_change_link(person.pending_change.nonce, NOW).contact_changed


def test_emails_name_only_someone_who_confirmed_their_address() -> None:
    person = joined()
    assert person.name_in_emails is None

    person.confirm(person.confirmation_nonce or "", NOW)

    assert person.name_in_emails == "Ann Jones"


def test_an_organisation_is_pending_from_joining_until_its_contact_confirms() -> None:
    org = organisation()
    assert org.pending_since == NOW

    org.confirm(org.confirmation_nonce or "", NOW + timedelta(days=2))

    assert org.pending_since is None
