"""UK postcodes: the canonical `SW1A 1AA` form, and the outward code that may leave this service."""

import re

from together_contracts.postcodes import INWARD_PATTERN, OUTWARD_PATTERN

_OUTWARD = OUTWARD_PATTERN
_INWARD = INWARD_PATTERN
_POSTCODE = re.compile(f"(?P<outward>{_OUTWARD})(?P<inward>{_INWARD})|(?P<gir>GIR0AA)")
_BFPO = re.compile("BFPO(?P<number>[0-9]{1,4})")


class InvalidPostcodeError(ValueError):
    """A `ValueError`, so a pydantic validator that raises it reports a field error."""

    def __init__(self) -> None:
        super().__init__("Enter a real UK postcode, like SW1A 1AA")


def normalise_postcode(raw: str) -> str:
    """`" sw1a1aa "` becomes `"SW1A 1AA"`; also accepts `GIR 0AA` and `BFPO 1234`.

    Follows the published structure (outward A9, A99, AA9, AA99, A9A or AA9A, inward 9AA, with the
    letters each position may hold); it does not check that the postcode is in use.
    """
    compact = "".join(raw.split()).upper()
    if bfpo := _BFPO.fullmatch(compact):
        return f"BFPO {bfpo['number']}"
    if not (match := _POSTCODE.fullmatch(compact)):
        raise InvalidPostcodeError
    if match["gir"]:
        return "GIR 0AA"
    return f"{match['outward']} {match['inward']}"


def outward_code(postcode: str) -> str:
    """The district part: `"SW1A 1AA"` gives `"SW1A"`, a BFPO number gives `"BFPO"`."""
    return normalise_postcode(postcode).partition(" ")[0]
