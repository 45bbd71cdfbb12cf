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
