"""Run notifications exactly as `python -m notifications` does, but with its clock at London noon
(as daytime_notifications.py) and moved forward by the test: the number of seconds written in the
file named by `TRAVEL_OFFSET_FILE` is added at every call (none or empty: no offset), so a
reminder due tomorrow at 10:00 goes when the test says. Everything else is the service's own
code and settings."""

import functools
import os
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from notifications.bootstrap import create_app
from notifications.settings import Settings
from together_kit.serve import serve

LONDON = ZoneInfo("Europe/London")


def main() -> None:
    offset_file = Path(os.environ["TRAVEL_OFFSET_FILE"])
    real = datetime.now(UTC)
    noon = datetime.combine(real.astimezone(LONDON).date(), time(12, 0), tzinfo=LONDON)
    to_noon = noon - real

    def clock() -> datetime:
        try:
            seconds = float(offset_file.read_text().strip() or 0)
        except FileNotFoundError:
            seconds = 0.0
        return datetime.now(UTC) + to_noon + timedelta(seconds=seconds)

    serve(Settings(), functools.partial(create_app, clock=clock))


if __name__ == "__main__":
    main()
