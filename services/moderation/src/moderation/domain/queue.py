"""What the moderators' queue can be narrowed to, and what it counts."""

from dataclasses import dataclass, field
from datetime import timedelta

from moderation.domain.items import FOR_LEADS, OPEN, Kind, Status
from moderation.domain.screening import Flag


@dataclass(frozen=True)
class QueueFilter:
    """Open items, optionally of one kind, with one flag, from one region, or older than an age.

    `for_leads` narrows to held and escalated items; `statuses` overrides which count as open.
    """

    kind: Kind | None = None
    flag: Flag | None = None
    region: str | None = None
    older_than: timedelta | None = None
    for_leads: bool = False
    statuses: frozenset[Status] | None = None

    @property
    def wanted_statuses(self) -> frozenset[Status]:
        """The statuses shown: `statuses` if given, else those for leads or all open ones."""
        return self.statuses or (FOR_LEADS if self.for_leads else OPEN)


@dataclass(frozen=True)
class QueueCounts:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_flag: dict[str, int] = field(default_factory=dict)
