"""Pieces the tests of the outbox, its relay and leased jobs share."""

import time
import uuid
from typing import Any

from together_contracts import VolunteerRegistered

from together_kit.testing.events import volunteer_registered


class EpochClock:
    """Seconds since the epoch, standing still until a test moves `now` on (leases' clock)."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now


def renamed(name: str, person_id: uuid.UUID) -> Any:
    """A change for `AggregateCollection.update`: set `name`, and stage an event that says it."""

    def change(_current: dict[str, Any]) -> tuple[dict[str, Any], list[VolunteerRegistered]]:
        return {"name": name}, [volunteer_registered(name, person_id=person_id)]

    return change
