"""The nations of the UK and the regions of England, for zooming the gap map to one of them.

A district's nation is its GeoNames admin1 name; its English region follows from its county
(GeoNames admin2 name), grouped as the ONS regions group them (County of Bristol with the South
West, Teesside with whichever county GeoNames names for it).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from matching.domain.geo import Point

NATIONS = {
    "england": "England",
    "scotland": "Scotland",
    "wales": "Wales",
    "northern-ireland": "Northern Ireland",
}
"""Area slug: the nation's GeoNames admin1 name (also its label)."""
REGIONS: dict[str, tuple[str, frozenset[str]]] = {
    "north-east": (
        "North East",
        frozenset({"Northumberland", "Tyne and Wear", "Durham"}),
    ),
    "north-west": (
        "North West",
        frozenset({"Cumbria", "Lancashire", "Greater Manchester", "Merseyside", "Cheshire"}),
    ),
    "yorkshire": (
        "Yorkshire and the Humber",
        frozenset(
            {"North Yorkshire", "West Yorkshire", "South Yorkshire", "East Riding of Yorkshire"}
        ),
    ),
    "east-midlands": (
        "East Midlands",
        frozenset(
            {
                "Derbyshire",
                "Nottinghamshire",
                "Lincolnshire",
                "Leicestershire",
                "Rutland",
                "Northamptonshire",
            }
        ),
    ),
    "west-midlands": (
        "West Midlands",
        frozenset(
            {
                "Herefordshire",
                "Shropshire",
                "Staffordshire",
                "Warwickshire",
                "West Midlands",
                "Worcestershire",
            }
        ),
    ),
    "east": (
        "East of England",
        frozenset(
            {"Bedfordshire", "Cambridgeshire", "Essex", "Hertfordshire", "Norfolk", "Suffolk"}
        ),
    ),
    "london": ("London", frozenset({"Greater London"})),
    "south-east": (
        "South East",
        frozenset(
            {
                "Berkshire",
                "Buckinghamshire",
                "East Sussex",
                "Hampshire",
                "Isle of Wight",
                "Kent",
                "Oxfordshire",
                "Surrey",
                "West Sussex",
            }
        ),
    ),
    "south-west": (
        "South West",
        frozenset(
            {
                "Cornwall",
                "County of Bristol",
                "Devon",
                "Dorset",
                "Gloucestershire",
                "Somerset",
                "Wiltshire",
            }
        ),
    ),
}
"""Area slug of an English region: its label and the GeoNames county names it holds."""
LABELS = {**NATIONS, **{slug: label for slug, (label, _) in REGIONS.items()}}
"""Every area slug and its label, nations first."""


@dataclass(frozen=True)
class Locality:
    """A district as the map places it: its place name, centroid and the areas it is in."""

    name: str
    centroid: Point
    areas: frozenset[str]


def areas_of(nation: str, county: str) -> frozenset[str]:
    """The area slugs of a district with this admin1 (nation) and admin2 (county) name."""
    slugs = {slug for slug, name in NATIONS.items() if name == nation}
    if nation == "England":
        slugs |= {slug for slug, (_, counties) in REGIONS.items() if county in counties}
    return frozenset(slugs)


def in_area(area: str | None, codes: Iterable[str], localities: dict[str, Locality]) -> set[str]:
    """The codes in an area (all of them when no area is chosen)."""
    if area is None:
        return set(codes)
    return {code for code in codes if code in localities and area in localities[code].areas}
