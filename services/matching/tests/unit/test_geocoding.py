"""Geocoding: the shipped district table, postcodes.io through a mock transport, postcodes."""

import json

import httpx
import pytest
from matching.adapters.geocoding import GeoNamesTable, PostcodesIo, WithDistrictFallback
from matching.domain.places import UnknownPostcodeError
from matching.settings import DISTRICTS
from structlog.testing import capture_logs
from together_kit.districts import InvalidPostcodeError, normalise, outward_code

pytestmark = pytest.mark.unit

GEONAMES = DISTRICTS


@pytest.fixture(scope="module")
def table() -> GeoNamesTable:
    return GeoNamesTable(GEONAMES)


def test_every_outward_code_of_great_britain_is_read(table: GeoNamesTable) -> None:
    assert len(table.centroids) == 3002


async def test_a_district_is_at_the_average_of_its_rows(table: GeoNamesTable) -> None:
    rows = [
        line.split("\t")
        for line in GEONAMES.read_text(encoding="utf-8").splitlines()
        if line.split("\t")[1] == "M1"
    ]
    latitude = sum(float(r[9]) for r in rows) / len(rows)
    place = await table.locate("M1 1AE")
    assert place.outward_code == "M1"
    assert place.point.latitude == pytest.approx(latitude)


async def test_an_outward_code_alone_is_located(table: GeoNamesTable) -> None:
    place = await table.locate("CF10")
    assert place.point.latitude == pytest.approx(51.48, abs=0.05)


async def test_a_district_missing_from_the_table_is_at_its_nearest_known_neighbour_logged(
    table: GeoNamesTable,
) -> None:
    with capture_logs() as logs:
        place = await table.locate("ZE9 9ZZ")

    assert place.outward_code == "ZE9"
    assert place.point == table.centroids["ZE3"]
    assert logs == [
        {
            "event": "postcode.district_fallback",
            "outward_code": "ZE9",
            "district": "ZE3",
            "log_level": "info",
        }
    ]


async def test_an_exact_district_is_not_logged(table: GeoNamesTable) -> None:
    with capture_logs() as logs:
        await table.locate("ZE2 9AA")

    assert logs == []


@pytest.mark.parametrize("postcode", ["AA1 1AA", "ZY1", "GIR 0AA"])
async def test_a_district_of_an_area_not_in_the_table_is_an_error(
    table: GeoNamesTable, postcode: str
) -> None:
    with pytest.raises((UnknownPostcodeError, InvalidPostcodeError)):
        await table.locate(postcode)


def test_postcodes_are_normalised() -> None:
    assert normalise(" m11ae ") == "M1 1AE"
    assert normalise("sw1a") == "SW1A"
    assert outward_code("cf10 1aa") == "CF10"
    with pytest.raises(InvalidPostcodeError):
        normalise("NOT A CODE")


def postcodes_io(routes: dict[str, tuple[int, object]]) -> PostcodesIo:
    def answer(request: httpx.Request) -> httpx.Response:
        status, body = routes.get(
            request.url.raw_path.decode(), (404, {"status": 404, "error": "not found"})
        )
        return httpx.Response(status, content=json.dumps(body))

    return PostcodesIo("https://api.postcodes.io/", transport=httpx.MockTransport(answer))


async def test_postcodes_io_locates_postcodes_and_outward_codes() -> None:
    geocoder = postcodes_io(
        {
            "/postcodes/M1%201AE": (
                200,
                {"result": {"latitude": 53.47, "longitude": -2.23, "outcode": "M1"}},
            ),
            "/outcodes/CF10": (
                200,
                {"result": {"latitude": 51.47, "longitude": -3.17, "outcode": "CF10"}},
            ),
        }
    )
    full = await geocoder.locate("M1 1AE")
    assert (full.outward_code, full.point.latitude) == ("M1", 53.47)
    assert (await geocoder.locate("CF10")).point.longitude == -3.17
    with pytest.raises(UnknownPostcodeError):
        await geocoder.locate("ZE9 9ZZ")


async def test_what_postcodes_io_does_not_know_the_district_table_places(
    table: GeoNamesTable,
) -> None:
    geocoder = WithDistrictFallback(postcodes_io({}), table)

    place = await geocoder.locate("ZE9 9ZZ")

    assert (place.outward_code, place.point) == ("ZE9", table.centroids["ZE3"])
    with pytest.raises(UnknownPostcodeError):
        await geocoder.locate("AA1 1AA")
