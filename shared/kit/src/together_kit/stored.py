"""Values written so that they read back the same from MongoDB and from the embedded store.

The embedded store (nx-27017) keeps a top-level datetime written by `$set` as a string, which then
no longer compares with the datetimes inserted beside it, and it does not match `{"field": None}`
reliably inside a compound filter (docs/adr/0001-pymongo-async.md). So every time a service
filters or updates is stored as epoch seconds, and a nullable field that a query needs gets a
number or a boolean beside it. Adapters use these helpers rather than `.timestamp()` and
`datetime.fromtimestamp` of their own; a real date remains only where MongoDB's TTL index needs
one (together_kit.retention).
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

NEVER = 0.0
"""The stored value of a time that has not happened (a number, not null: see the module doc)."""


STORED_PRECISION_SECONDS = 0.001
"""How closely a stored time reads back: the embedded store keeps a number to 15 significant
digits, so epoch seconds (ten digits before the point) come back rounded to 10 microseconds."""


def same_time(stored: object, written: float) -> bool:
    """Whether a time read back from the store (`stored`) is the one written (`epoch`), to the
    precision every store keeps: never compare the two with `==`."""
    return (
        isinstance(stored, int | float)
        and not isinstance(stored, bool)
        and abs(stored - written) < STORED_PRECISION_SECONDS
    )


def epoch(moment: datetime) -> float:
    """The stored form of a time: seconds since the epoch (UTC)."""
    return moment.timestamp()


def moment(value: float | int | datetime) -> datetime:
    """A stored time read back as an aware UTC datetime; a datetime (a document inserted with one,
    before times were stored as numbers) is taken as it is."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), UTC)


def epoch_or_none(value: datetime | None) -> float | None:
    return None if value is None else epoch(value)


def moment_or_none(value: float | int | datetime | None) -> datetime | None:
    """`None` for a time never set, stored as `None` or as `NEVER`."""
    if value is None or (not isinstance(value, datetime) and float(value) == NEVER):
        return None
    return moment(value)


def epoch_or_never(value: datetime | None) -> float:
    """A nullable time stored as a number a compound filter can match (`NEVER` when unset)."""
    return NEVER if value is None else epoch(value)


class TimeFields:
    """The named top-level time fields of a kind of document, converted both ways at once."""

    def __init__(self, *names: str) -> None:
        self.names = frozenset(names)

    def dump(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """The document with each named datetime as epoch seconds (`None` kept as `None`)."""
        return {
            key: epoch(value) if key in self.names and isinstance(value, datetime) else value
            for key, value in document.items()
        }

    def load(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """The document with each named time as a datetime; unset ones (absent, `None` or
        `NEVER`) are left out of the conversion, so they stay as stored."""
        loaded = dict(document)
        for key in self.names & document.keys():
            value = moment_or_none(document[key])
            if value is not None:
                loaded[key] = value
        return loaded
