"""The operators' command line, run as an operator runs it: a process of its own, here without a
terminal (as from a script or a CI job), so the password can only come from standard input."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

CREATE_LEAD = ["-m", "moderation.cli", "create-lead", "--email", "lead@example.org", "--name", "L"]


def create_lead(typed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *CREATE_LEAD],
        input=typed,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # no controlling terminal: getpass falls back to standard input
        check=False,
    )


def test_without_a_password_it_says_how_to_give_one_instead_of_a_traceback() -> None:
    done = create_lead("")
    assert done.returncode == 2
    assert "--password-stdin" in done.stderr
    assert "Traceback" not in done.stderr


def test_two_different_passwords_are_refused_before_the_store_is_reached() -> None:
    done = create_lead("first password\nsecond password\n")
    assert done.returncode == 2
    assert "The passwords differ." in done.stderr
    assert "Traceback" not in done.stderr
