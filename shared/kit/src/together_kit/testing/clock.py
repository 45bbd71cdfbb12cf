"""A clock for tests: an app's `clock` that stands still until the test moves it on."""

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move on by `timedelta(**delta)`, e.g. `clock.advance(minutes=10)`."""
        self.now += timedelta(**delta)
