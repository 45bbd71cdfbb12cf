"""How `make run` (scripts/run.py) tells why a service could not start: in the service's own
words, taken from the last lines it wrote (tests/e2e/test_make_run.py runs the real thing)."""

import importlib.util
from collections import deque
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.unit

RUN = Path(__file__).resolve().parents[1] / "scripts" / "run.py"


@pytest.fixture(scope="module")
def run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_run", RUN)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_reason_is_the_message_of_the_exception_that_ended_it(run: ModuleType) -> None:
    tail = deque(
        [
            "ERROR:    Traceback (most recent call last):",
            '  File "geocoding.py", line 66, in load',
            "\x1b[31mmatching.adapters.geocoding.GeoNamesMissingError: No file at /x/GB.txt\x1b[0m",
            "",
            "ERROR:    Application startup failed. Exiting.",
        ]
    )
    assert run.reason(tail) == "No file at /x/GB.txt"
    assert run.hint("matching", tail) == ""


def test_a_port_lost_after_the_check_names_the_setting(run: ModuleType) -> None:
    tail = deque(
        [
            "INFO:     Waiting for application startup.",
            "ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 48001):"
            " address already in use",
        ]
    )
    assert run.reason(tail).startswith("[Errno 98] error while attempting to bind")
    assert run.hint("signups", tail) == " (set SIGNUPS_PORT to a free port)"


def test_a_service_that_wrote_nothing_says_so(run: ModuleType) -> None:
    assert run.reason(deque()) == "it printed nothing"
