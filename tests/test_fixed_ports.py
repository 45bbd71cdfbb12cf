"""Tests never talk to the fixed ports of `make run` (or of a real server on this machine): every
SMTP server, store and service a test starts is on a free port, and mail from whatever a test
starts without a mail server of its own goes to the session's sink (together_kit.testing.plugin),
never to 127.0.0.1:1025."""

import re
import smtplib
from email.message import EmailMessage
from pathlib import Path

import pytest
from together_kit.testing.tags import unique_tag

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
FIXED = r"(?:1025|8025|27017|800[1-4])"
NAMED_PORT = re.compile(
    rf"(?:(?:127\.0\.0\.1|localhost)[\"']?\s*[:,]\s*{FIXED}\b)|(?:\bport\s*[=:]\s*{FIXED}\b)",
    re.IGNORECASE,
)
TEST_CODE = [
    ROOT / "conftest.py",
    ROOT / "tests",
    *ROOT.glob("services/*/tests"),
    *ROOT.glob("shared/*/tests"),
    ROOT / "shared" / "kit" / "src" / "together_kit" / "testing",
]
NOT_BOUND = {ROOT / "tests" / "deploy"}
"""Kubernetes manifests' ports: checked as text, nothing listens on them here."""


def test_mail_from_a_notifications_made_in_a_test_reaches_the_sessions_sink() -> None:
    from notifications.settings import Settings

    settings = Settings(port=0)
    assert (settings.smtp_host, settings.smtp_port) != ("127.0.0.1", 1025)
    message = EmailMessage()
    message["From"] = "together@example.org"
    message["To"] = address = f"{unique_tag()}@example.org"
    message["Subject"] = "where test mail goes"
    message.set_content("to the session's sink")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        refused = smtp.send_message(message)
    assert refused == {}, address


def test_no_test_or_fixture_names_a_fixed_port() -> None:
    files = [
        path
        for place in TEST_CODE
        for path in ([place] if place.is_file() else place.rglob("*.py"))
        if not any(path.is_relative_to(folder) for folder in NOT_BOUND) and path != Path(__file__)
    ]
    assert len(files) > 50
    named = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if NAMED_PORT.search(line)
    ]
    assert named == [], "use free_port() or the fixtures:\n" + "\n".join(named)
