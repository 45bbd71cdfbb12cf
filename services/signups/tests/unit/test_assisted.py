"""Assisted entry's rules: where consents came from, as the consent log keeps it; a mobile-only
person confirmed at once, one with an email pending; entering the same person again."""

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from signups.domain.assisted import AskedBy, JoinedBy, Staff, Witness, erasure_note
from signups.domain.people import ChannelConsent, JoinContext, Person, Status, VolunteerDetails
from together_contracts import Consent

pytestmark = pytest.mark.unit

STAFF = Staff(uuid.UUID("00000000-0000-4000-8000-000000000007"), "Siân Roberts")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
PHONE_ONLY = VolunteerDetails(
    name="Gwen Harries",
    email=None,
    postcode="CF10 1AA",
    outward_code="CF10",
    travel_radius_km=5,
    phone="+447700900123",
    consents=frozenset({Consent.MATCHED_EVENTS}),
    channels=("sms",),
)


def witnessed() -> JoinContext:
    witness = Witness(JoinedBy.PAPER, date(2026, 12, 1), STAFF, "paper-2026-12")
    return JoinContext(now=NOW, source=witness.source, form_version=witness.form_version)


def test_the_source_names_the_form_its_date_and_the_staff_member() -> None:
    assert witnessed().source == (
        "paper form, 2026-12-01, staff: Siân Roberts (00000000-0000-4000-8000-000000000007)"
    )
    assert STAFF.first_name == "Siân"
    assert erasure_note(AskedBy.LETTER, STAFF).startswith("asked by letter, staff: Siân Roberts")


def test_a_mobile_only_person_is_confirmed_at_once_with_each_consent_logged() -> None:
    person = Person.witnessed(PHONE_ONLY, witnessed())

    assert person.status is Status.CONFIRMED
    assert person.confirmed_at == NOW
    assert person.confirmation_nonce is None
    assert {(r.consent, r.source, r.form_version) for r in person.consent_log} == {
        (Consent.MATCHED_EVENTS, witnessed().source, "paper-2026-12"),
        (ChannelConsent.TEXTS, witnessed().source, "paper-2026-12"),
    }


def test_a_person_with_an_email_waits_for_it_to_be_confirmed() -> None:
    person = Person.witnessed(replace(PHONE_ONLY, email="gwen@example.org"), witnessed())

    assert person.status is Status.PENDING
    assert person.confirmation_nonce is not None
    assert person.confirmation_sent_at == NOW


def test_entering_them_again_applies_what_changed_and_logs_consents_withdrawn() -> None:
    person = Person.witnessed(PHONE_ONLY, witnessed())

    assert not person.witnessed_again(PHONE_ONLY, witnessed())
    assert person.witnessed_again(replace(PHONE_ONLY, consents=frozenset()), witnessed())
    assert person.details.consents == frozenset()
    last = person.consent_log[-1]
    assert (last.consent, last.granted) == (Consent.MATCHED_EVENTS, False)
