"""Build docs/events.md from the AsyncAPI documents of the four services (`make docs`).

`--check` exits non-zero when the committed catalogue differs from what the code says.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

import matching.bootstrap
import matching.settings
import moderation.bootstrap
import moderation.settings
import notifications.bootstrap
import notifications.settings
import signups.bootstrap
import signups.settings
from together_kit.http.health import asyncapi_document
from together_kit.messaging.catalogue import render

CATALOGUE = Path(__file__).resolve().parents[1] / "docs" / "events.md"


def documents() -> dict[str, dict[str, Any]]:
    apps = {
        "signups": signups.bootstrap.create_app(signups.settings.Settings()),
        "moderation": moderation.bootstrap.create_app(moderation.settings.Settings()),
        "matching": matching.bootstrap.create_app(matching.settings.Settings()),
        "notifications": notifications.bootstrap.create_app(notifications.settings.Settings()),
    }
    return {name: asyncapi_document(app.state.runtime, title=name) for name, app in apps.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if docs/events.md is stale")
    args = parser.parse_args(argv)
    rendered = render(documents())
    if args.check:
        if not CATALOGUE.exists() or CATALOGUE.read_text() != rendered:
            print("docs/events.md is stale: run 'make docs' and commit it", file=sys.stderr)
            return 1
        return 0
    CATALOGUE.write_text(rendered)
    print(f"wrote {CATALOGUE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
