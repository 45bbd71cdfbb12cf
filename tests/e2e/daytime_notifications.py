"""Run notifications exactly as `python -m notifications` does, but with its clock at London noon.

Invitations wait out quiet hours (21:00-08:00 Europe/London), which are not a setting, so a
journey run in the evening would wait until morning for its invitation. The service's composition
root takes a clock (`create_app(settings, clock=...)`); this launcher gives it the real time
shifted by a constant offset, so that the process starts at 12:00 London time today and its time
flows as usual from there. Everything else is the service's own code and settings.
"""

import functools
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from notifications.bootstrap import create_app
from notifications.settings import Settings
from together_kit.serve import serve

LONDON = ZoneInfo("Europe/London")


def main() -> None:
    real = datetime.now(UTC)
    noon = datetime.combine(real.astimezone(LONDON).date(), time(12, 0), tzinfo=LONDON)
    offset = noon - real

    def clock() -> datetime:
        return datetime.now(UTC) + offset

    serve(Settings(), functools.partial(create_app, clock=clock))


if __name__ == "__main__":
    main()
