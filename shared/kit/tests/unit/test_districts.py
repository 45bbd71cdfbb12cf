"""Placing an outward code: exactly, at the nearest known district of its area, or not at all."""

import re

import pytest
from together_kit import districts
from together_kit.districts import (
    Centroid,
    DistrictTable,
    InvalidPostcodeError,
    normalise,
    outward_code,
)

pytestmark = pytest.mark.unit


def table(*codes: str) -> DistrictTable:
    return DistrictTable({code: Centroid(float(i), -float(i)) for i, code in enumerate(codes)})


def placed_at(known: DistrictTable, outward: str) -> str | None:
    placed = known.place(outward)
    return None if placed is None else placed.district


def test_a_district_in_the_table_is_placed_exactly_and_is_no_fallback() -> None:
    known = table("ZE1", "ZE2", "ZE3")

    placed = known.place("ze2")

    assert placed is not None
    assert (placed.asked, placed.district, placed.fallback) == ("ZE2", "ZE2", False)
    assert placed.centroid == Centroid(1.0, -1.0)


def test_a_district_missing_from_its_area_takes_the_closest_district_number() -> None:
    known = table("ZE1", "ZE2", "ZE3")

    placed = known.place("ZE9")

    assert placed is not None
    assert (placed.asked, placed.district, placed.fallback) == ("ZE9", "ZE3", True)
    assert placed.centroid == known.centroids["ZE3"]


def test_a_tie_goes_to_the_lower_district_number() -> None:
    assert placed_at(table("AB10", "AB12"), "AB11") == "AB10"
    assert placed_at(table("AB12", "AB10"), "AB11") == "AB10"


@pytest.mark.parametrize(
    ("known", "asked", "district"),
    [
        (("EC1", "EC1A", "EC1V", "EC2A"), "EC1X", "EC1"),
        (("EC1A", "EC1V", "EC2A"), "EC1X", "EC1A"),
        (("EC2A", "EC2M", "EC4A"), "EC3", "EC2A"),
        (("W1", "W1A", "W2"), "W1E", "W1"),
        (("W1A", "W2"), "W1", "W1A"),
    ],
)
def test_sub_districts_give_way_to_their_plain_district_then_go_in_letter_order(
    known: tuple[str, ...], asked: str, district: str
) -> None:
    assert placed_at(table(*known), asked) == district


@pytest.mark.parametrize("asked", ["QQ1", "ZY1", "AA1", "GIR", "BFPO", "", "ZE", "nonsense"])
def test_an_area_not_in_the_table_or_a_malformed_code_is_not_placed(asked: str) -> None:
    assert table("ZE1", "ZE3", "AB10").place(asked) is None


def test_the_outward_pattern_is_exactly_what_is_placed() -> None:
    known = table("ZE1", "ZE3", "B1", "EC1A")
    pattern = re.compile(known.outward_pattern())

    for code in ("ZE9", "ZE10", "B33", "B1A", "EC5", "EC1V"):
        assert pattern.fullmatch(code), code
        assert known.place(code) is not None, code
    for code in ("ZY1", "BB1", "E1", "B1M", "EC1C"):
        assert not pattern.fullmatch(code), code
        assert known.place(code) is None, code


def test_the_shipped_table_has_every_district_of_great_britain() -> None:
    shipped = districts.shipped()

    assert len(shipped.centroids) == 3002
    assert districts.SHIPPED.name == "districts.tsv"
    assert (districts.SHIPPED.parent / "ATTRIBUTION.md").is_file()
    placed = districts.place("ZE9")
    assert placed is not None
    assert (placed.district, placed.fallback) == ("ZE3", True)
    assert districts.place("QQ1") is None
    assert districts.place("AA1") is None


def test_postcodes_are_normalised_to_their_outward_code() -> None:
    assert normalise(" m11ae ") == "M1 1AE"
    assert normalise("sw1a") == "SW1A"
    assert outward_code("ze9 9zz") == "ZE9"
    with pytest.raises(InvalidPostcodeError):
        normalise("QQ1 1AA")
