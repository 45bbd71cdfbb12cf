"""What the API and the forms accept: normalised emails and postcodes, cleaned and bounded text."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from signups.entrypoints.schemas import (
    ORGANISATION_EXAMPLE,
    VOLUNTEER_EXAMPLE,
    WRITTEN_FORM,
    OrganisationCreate,
    SignupCreate,
)
from structlog.testing import capture_logs
from together_contracts import Availability, Consent, Interest, OrganisationType

pytestmark = pytest.mark.unit

MINIMAL = {"name": "Ann Jones", "email": "ann@example.org", "postcode": "CF10 1AA"}


def signup(**changes: Any) -> SignupCreate:
    return SignupCreate.model_validate({**MINIMAL, **changes})


def organisation(**changes: Any) -> OrganisationCreate:
    return OrganisationCreate.model_validate({**ORGANISATION_EXAMPLE, **changes})


def refused(model: type[SignupCreate | OrganisationCreate], body: dict[str, Any]) -> set[tuple]:
    """The (location, error type) pairs pydantic reports for `body`."""
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body)
    return {(error["loc"], error["type"]) for error in raised.value.errors()}


def test_the_documented_examples_are_valid() -> None:
    assert SignupCreate.model_validate(VOLUNTEER_EXAMPLE).email == "ann.jones@example.org"
    assert OrganisationCreate.model_validate(ORGANISATION_EXAMPLE).postcode == "M1 1AE"


def test_a_minimal_signup_takes_the_defaults() -> None:
    details = signup().details()

    assert details.travel_radius_km == 10
    assert details.language == "en"
    assert details.phone is None
    assert details.interests == ()
    assert details.availability == ()
    assert details.consents == frozenset()
    assert details.connector is False


@pytest.mark.parametrize(
    "raw",
    [" Ann.Jones@Example.ORG ", "ANN.JONES@EXAMPLE.ORG", "\tann.jones@example.org\n"],
)
def test_email_is_trimmed_and_lowercased(raw: str) -> None:
    assert signup(email=raw).email == "ann.jones@example.org"
    assert organisation(contact_email=raw).contact_email == "ann.jones@example.org"


def test_email_validation_does_no_dns_lookup() -> None:
    assert signup(email="ann@no-such-domain-3f9c1e.org").email == "ann@no-such-domain-3f9c1e.org"


@pytest.mark.parametrize(
    "raw", ["not-an-email", "ann@", "@example.org", "ann jones@example.org", ""]
)
def test_a_malformed_email_is_refused_at_its_field(raw: str) -> None:
    assert {loc for loc, _ in refused(SignupCreate, {**MINIMAL, "email": raw})} == {("email",)}


def test_an_overlong_email_is_refused() -> None:
    long_email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert len(long_email) > 254

    assert {loc for loc, _ in refused(SignupCreate, {**MINIMAL, "email": long_email})} == {
        ("email",)
    }


@pytest.mark.parametrize(
    ("raw", "normal", "outward"),
    [
        ("cf101aa", "CF10 1AA", "CF10"),
        ("  sw1a  1aa ", "SW1A 1AA", "SW1A"),
        ("ze99zz", "ZE9 9ZZ", "ZE9"),
    ],
)
def test_postcode_is_normalised_and_its_outward_code_derived(
    raw: str, normal: str, outward: str
) -> None:
    details = signup(postcode=raw).details()

    assert (details.postcode, details.outward_code) == (normal, outward)
    assert organisation(postcode=raw).details().outward_code == outward


@pytest.mark.parametrize("raw", ["nonsense", "12345", "SW1A 1A", "Q1 1AA", "x" * 40])
def test_a_nonsense_postcode_is_refused_at_its_field(raw: str) -> None:
    errors = refused(SignupCreate, {**MINIMAL, "postcode": raw})

    assert {loc for loc, _ in errors} == {("postcode",)}


@pytest.mark.parametrize("raw", ["AA1 1AA", "ZY1 1AA", "GIR 0AA", "BFPO 801"])
def test_a_postcode_matching_cannot_place_is_refused_like_a_malformed_one(raw: str) -> None:
    with pytest.raises(ValidationError) as raised:
        signup(postcode=raw)

    [error] = raised.value.errors()
    assert error["loc"] == ("postcode",)
    assert "Enter a real UK postcode, like SW1A 1AA" in error["msg"]
    assert {
        loc for loc, _ in refused(OrganisationCreate, {**ORGANISATION_EXAMPLE, "postcode": raw})
    } == {("postcode",)}


def test_a_district_missing_from_the_table_is_accepted_at_its_nearest_and_logged() -> None:
    with capture_logs() as logs:
        details = signup(postcode="ZE9 9ZZ").details()

    assert details.outward_code == "ZE9"
    [fallback] = [entry for entry in logs if entry["event"] == "postcode.district_fallback"]
    assert (fallback["outward_code"], fallback["district"]) == ("ZE9", "ZE3")
    assert "9ZZ" not in str(fallback)


@given(st.from_regex(WRITTEN_FORM, fullmatch=True))
def test_every_postcode_the_json_schema_documents_is_accepted(raw: str) -> None:
    assert signup(postcode=raw).postcode.replace(" ", "") == raw.replace(" ", "")


def test_the_json_schema_documents_the_postcode_pattern() -> None:
    postcode = SignupCreate.model_json_schema()["properties"]["postcode"]

    assert postcode["pattern"] == WRITTEN_FORM
    assert postcode["maxLength"] == 16


def test_an_unknown_field_is_refused_by_name() -> None:
    assert refused(SignupCreate, {**MINIMAL, "admin": True}) == {(("admin",), "extra_forbidden")}
    assert refused(OrganisationCreate, {**ORGANISATION_EXAMPLE, "verified": True}) == {
        (("verified",), "extra_forbidden")
    }


@pytest.mark.parametrize("field", ["name", "email", "postcode"])
def test_required_fields_are_named_when_missing(field: str) -> None:
    body = {k: v for k, v in MINIMAL.items() if k != field}

    assert refused(SignupCreate, body) == {((field,), "missing")}


def test_control_and_format_characters_are_stripped_and_whitespace_collapsed() -> None:
    assert signup(name="\x00Ann\u200b \t\n Jones\x07 ").name == "Ann Jones"


def test_text_limits_count_what_is_left_after_cleaning() -> None:
    assert signup(name="A" * 200 + "\x00" * 50).name == "A" * 200
    assert refused(SignupCreate, {**MINIMAL, "name": "A" * 201}) == {(("name",), "string_too_long")}
    assert refused(SignupCreate, {**MINIMAL, "name": " \x00\u200b\t "}) == {
        (("name",), "string_too_short")
    }


def test_a_pledge_keeps_its_lines_and_is_limited_to_2000_characters() -> None:
    pledge = organisation(pledge="Lunch monthly.\r\n\r\nTea\x00 weekly.  ").pledge

    assert pledge == "Lunch monthly.\n\nTea weekly."
    assert organisation(pledge="p" * 2000).pledge == "p" * 2000
    assert refused(OrganisationCreate, {**ORGANISATION_EXAMPLE, "pledge": "p" * 2001}) == {
        (("pledge",), "string_too_long")
    }
    assert refused(OrganisationCreate, {**ORGANISATION_EXAMPLE, "pledge": "\n \x00 "}) == {
        (("pledge",), "string_too_short")
    }


@pytest.mark.parametrize("field", ["name", "contact_name"])
def test_organisation_names_are_single_lines_of_at_most_200(field: str) -> None:
    assert getattr(organisation(**{field: " Riverside \n Kitchen "}), field) == "Riverside Kitchen"
    assert refused(OrganisationCreate, {**ORGANISATION_EXAMPLE, field: "n" * 201}) == {
        ((field,), "string_too_long")
    }


def test_interests_and_availability_come_from_the_taxonomy() -> None:
    details = signup(
        interests=["sport", "environment", "sport"], availability=["weekends"]
    ).details()

    assert details.interests == (Interest.SPORT, Interest.ENVIRONMENT)
    assert details.availability == (Availability.WEEKENDS,)
    assert refused(SignupCreate, {**MINIMAL, "interests": ["sport", "knitting"]}) == {
        (("interests", 1), "enum")
    }
    assert refused(SignupCreate, {**MINIMAL, "availability": ["mondays"]}) == {
        (("availability", 0), "enum")
    }
    assert refused(OrganisationCreate, {**ORGANISATION_EXAMPLE, "pledge_categories": ["x"]}) == {
        (("pledge_categories", 0), "enum")
    }


def test_organisation_type_comes_from_its_list() -> None:
    assert organisation(organisation_type="faith-group").organisation_type is (
        OrganisationType.FAITH_GROUP
    )
    assert refused(OrganisationCreate, {**ORGANISATION_EXAMPLE, "organisation_type": "club"}) == {
        (("organisation_type",), "enum")
    }


@pytest.mark.parametrize(("radius", "ok"), [(0, False), (1, True), (200, True), (201, False)])
def test_travel_radius_is_between_1_and_200_km(radius: int, ok: bool) -> None:
    body = {**MINIMAL, "travel_radius_km": radius}
    if ok:
        assert SignupCreate.model_validate(body).travel_radius_km == radius
    else:
        assert {loc for loc, _ in refused(SignupCreate, body)} == {("travel_radius_km",)}


def test_language_is_english_or_welsh() -> None:
    assert signup(language="cy").language == "cy"
    assert {loc for loc, _ in refused(SignupCreate, {**MINIMAL, "language": "fr"})} == {
        ("language",)
    }


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("029 2000 0000", "+442920000000"),
        (" +44 (0)29 2000 0000 ", "+442920000000"),
        ("07700-900123", "+447700900123"),
        ("0044 7911 123456", "+447911123456"),
        ("+353 85 123 4567", "+353851234567"),
    ],
)
def test_a_phone_number_is_kept_in_e164(raw: str, kept: str) -> None:
    assert signup(phone=raw).phone == kept


@pytest.mark.parametrize(
    "raw", ["call me", "12345", "0770090012300000000000", "+44 7700 9001x", "0791123"]
)
def test_a_phone_number_that_is_not_one_is_refused(raw: str) -> None:
    assert {loc for loc, _ in refused(SignupCreate, {**MINIMAL, "phone": raw})} == {("phone",)}


def test_consents_are_separate() -> None:
    assert signup(consent_matched_events=True).details().consents == {Consent.MATCHED_EVENTS}
    assert signup(consent_news=True).details().consents == {Consent.NEWS}
    both = signup(consent_matched_events=True, consent_news=True).details().consents
    assert both == {Consent.MATCHED_EVENTS, Consent.NEWS}
