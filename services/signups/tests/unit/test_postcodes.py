"""UK postcodes: what we accept, the one form we store, and what we refuse."""

import pytest
from signups.domain.postcodes import InvalidPostcodeError, normalise_postcode, outward_code

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        (" SW1A  1AA ", "SW1A 1AA"),
        ("\tsw1a 1aa\n", "SW1A 1AA"),
        ("SW1A\u00a01AA", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("m11ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("b338th", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("dn551pt", "DN55 1PT"),
        ("gir0aa", "GIR 0AA"),
        ("GIR 0AA", "GIR 0AA"),
        ("BFPO 801", "BFPO 801"),
        ("bfpo1", "BFPO 1"),
        ("bfpo1234", "BFPO 1234"),
        (" BFPO  57 ", "BFPO 57"),
    ],
)
def test_a_real_postcode_takes_its_canonical_form(raw: str, normal: str) -> None:
    assert normalise_postcode(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "hello",
        "12345",
        "SW1A",
        "SW1A 1A",
        "SW1A 1AAA",
        "QW1A 1AA",
        "VW1A 1AA",
        "XW1A 1AA",
        "SI1A 1AA",
        "SZ1A 1AA",
        "W1I 0AX",
        "EC1C 1BB",
        "SW1A 1AC",
        "SW1A 1IA",
        "SW1A AAA",
        "BFPO",
        "BFPO 12345",
        "BFPO 12A",
        "SW1A 1AA extra",
        "<script>",
        "SW1A-1AA",
        "SW\u0661A 1AA",
    ],
)
def test_anything_else_is_refused_with_a_helpful_message(raw: str) -> None:
    with pytest.raises(InvalidPostcodeError, match="Enter a real UK postcode, like SW1A 1AA"):
        normalise_postcode(raw)


def test_the_error_is_a_value_error_so_validators_report_it_on_the_field() -> None:
    assert issubclass(InvalidPostcodeError, ValueError)


@pytest.mark.parametrize(
    ("postcode", "outward"),
    [
        ("SW1A 1AA", "SW1A"),
        ("sw1a1aa", "SW1A"),
        ("M1 1AE", "M1"),
        ("B33 8TH", "B33"),
        ("DN55 1PT", "DN55"),
        ("GIR 0AA", "GIR"),
        ("BFPO 801", "BFPO"),
    ],
)
def test_the_outward_code_is_the_district_before_the_space(postcode: str, outward: str) -> None:
    assert outward_code(postcode) == outward


def test_the_outward_code_of_nonsense_is_refused() -> None:
    with pytest.raises(InvalidPostcodeError):
        outward_code("hello")
