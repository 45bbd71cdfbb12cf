"""UK postcodes and outward codes: the canonical `SW1A 1AA` form and its district part."""

import re

from together_contracts.postcodes import INWARD_PATTERN, OUTWARD_PATTERN

_OUTWARD = OUTWARD_PATTERN
_INWARD = INWARD_PATTERN
_POSTCODE = re.compile(f"(?P<outward>{_OUTWARD})(?P<inward>{_INWARD})?")


class InvalidPostcodeError(ValueError):
    """A `ValueError`, so a pydantic validator that raises it reports a field error."""

    def __init__(self) -> None:
        super().__init__("Enter a real UK postcode, like SW1A 1AA, or its first part, like SW1A")


def normalise(raw: str) -> str:
    """`" m11ae "` becomes `"M1 1AE"`; an outward code alone (`"m1"`) becomes `"M1"`."""
    compact = "".join(raw.split()).upper()
    match = _POSTCODE.fullmatch(compact)
    if match is None:
        raise InvalidPostcodeError
    return f"{match['outward']} {match['inward']}" if match["inward"] else match["outward"]


def outward_code(postcode: str) -> str:
    return normalise(postcode).partition(" ")[0]
