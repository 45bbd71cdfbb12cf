"""Console logs are coloured only where colour is wanted: a terminal or FORCE_COLOR, never with
NO_COLOR."""

import pytest
import structlog
from together_kit.logs import configure_logging

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def restore_structlog() -> object:
    yield None
    structlog.reset_defaults()


def rendered(capsys: pytest.CaptureFixture[str]) -> str:
    configure_logging(service="svc", fmt="console")
    structlog.get_logger("t").info("hello", field="value")
    return capsys.readouterr().err


def test_no_color_means_no_escape_codes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" not in rendered(capsys)


def test_force_color_colours_a_pipe(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in rendered(capsys)
    monkeypatch.delenv("FORCE_COLOR")
    assert "\x1b[" not in rendered(capsys)
