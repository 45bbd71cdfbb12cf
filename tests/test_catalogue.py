import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]


def test_committed_event_catalogue_matches_the_code() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/build_catalogue.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_catalogue_names_producer_consumer_and_fields() -> None:
    catalogue = (ROOT / "docs" / "events.md").read_text()
    assert (
        "| [`volunteer.registered`](#volunteerregistered-v1) | 1 | signups | notifications (`notifications.volunteers`) |"
        in catalogue
    )
    assert "| `email` | string (email) | yes |" in catalogue
