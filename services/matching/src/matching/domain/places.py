"""A postcode located: its district and the point matching measures distances from."""

from dataclasses import dataclass
from typing import Protocol

from matching.domain.geo import Point


class UnknownPostcodeError(LookupError):
    def __init__(self, postcode: str) -> None:
        super().__init__(f"We could not find the postcode {postcode}")
        self.postcode = postcode


@dataclass(frozen=True)
class Place:
    outward_code: str
    point: Point


class Geocoder(Protocol):
    async def locate(self, postcode: str) -> Place:
        """A normalised postcode or outward code; raises `UnknownPostcodeError`."""
        ...
