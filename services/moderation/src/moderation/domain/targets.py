"""Time targets: how long an open item may wait for a decision before leads are alerted."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from moderation.domain.items import Item


@dataclass(frozen=True)
class Targets:
    standard: timedelta = timedelta(hours=48)
    safeguarding: timedelta = timedelta(hours=4)

    def for_item(self, item: Item) -> timedelta:
        return self.safeguarding if item.safeguarding else self.standard

    @property
    def shortest(self) -> timedelta:
        return min(self.standard, self.safeguarding)

    def breached(self, item: Item, now: datetime) -> bool:
        """Open and older than its target."""
        return item.open and item.age(now) > self.for_item(item)

    def to_tell(self, item: Item, now: datetime) -> bool:
        """Breached and not yet told: leads hear of each breach once."""
        return item.breach_told_at is None and self.breached(item, now)
