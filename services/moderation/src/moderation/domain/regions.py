"""Where a story comes from: a UK nation or region, or a postcode district (never a full postcode)."""

import re

REGIONS = (
    "Wales",
    "Scotland",
    "Northern Ireland",
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
_BY_KEY = {name.casefold(): name for name in REGIONS} | {"cymru": "Wales"}
_DISTRICT = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(?:\s*\d[A-Z]{2})?$")


class InvalidRegionError(ValueError):
    pass


def normalise_region(value: str) -> str:
    """`Wales`, `CF10` (from `cf10` or a full `CF10 1AA`, whose inward part is dropped), …"""
    text = " ".join(value.split())
    if text.casefold() in _BY_KEY:
        return _BY_KEY[text.casefold()]
    match = _DISTRICT.match(text.upper())
    if match is None:
        raise InvalidRegionError("Enter a UK nation or region, or the first half of a postcode")
    return match.group(1)


CENTRES: dict[str, tuple[float, float]] = {
    "Wales": (52.33, -3.77),
    "Scotland": (56.8, -4.2),
    "Northern Ireland": (54.61, -6.69),
    "North East": (54.97, -1.9),
    "North West": (54.05, -2.65),
    "Yorkshire and the Humber": (53.95, -1.3),
    "East Midlands": (52.98, -0.86),
    "West Midlands": (52.48, -2.28),
    "East of England": (52.24, 0.41),
    "London": (51.5, -0.11),
    "South East": (51.0, -1.1),
    "South West": (50.97, -3.2),
}
"""Where each nation and region is drawn on a map, as `(latitude, longitude)`: roughly its
geographic centre (the centroids of the ONS regions' and the nations' boundaries, rounded to
about 0.1°, public knowledge rather than a shipped data set). One point is moved so that
neighbouring circles do not overlap: the South East, which surrounds London, is drawn in
Hampshire, south-west of London, still well inside the region. Scotland's centre is its
mainland's (the Highlands), not pulled north by Orkney and Shetland. A postcode district is
never placed here: mapping one to a region would need a lookup this service does not have."""
