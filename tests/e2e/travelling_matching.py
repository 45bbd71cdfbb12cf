"""Run matching exactly as `python -m matching` does, but with a clock the test can move forward.

An organiser marks attendance only once the event has begun, and an event can only be listed in
the future; a journey that lists an event and then marks who came needs matching's time to pass
days in seconds. The composition root takes a clock (`create_app(settings, clock=...)`); this
launcher gives it the real time plus the number of seconds written in the file named by
`TRAVEL_OFFSET_FILE` (read at every call; none or empty means no offset). Everything else is the
service's own code and settings.
"""

import functools
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from matching.bootstrap import create_app
from matching.settings import Settings
from together_kit.serve import serve


def main() -> None:
    offset_file = Path(os.environ["TRAVEL_OFFSET_FILE"])

    def clock() -> datetime:
        try:
            seconds = float(offset_file.read_text().strip() or 0)
        except FileNotFoundError:
            seconds = 0.0
        return datetime.now(UTC) + timedelta(seconds=seconds)

    serve(Settings(), functools.partial(create_app, clock=clock))


if __name__ == "__main__":
    main()
