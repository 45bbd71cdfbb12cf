"""What is kept of an SMTP reply: its code and enhanced status code, never its text."""

import pytest
from notifications.adapters.channels.smtp import reply_code

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("code", "text", "kept"),
    [
        (550, "5.1.1 <ann@example.org>: Recipient address rejected", "550 5.1.1"),
        (451, "4.3.0 Try again later", "451 4.3.0"),
        (452, "  4.2.2 ann@example.org mailbox full", "452 4.2.2"),
        (553, "Mailbox name ann@example.org not allowed", "553"),
        (554, "5.7.1: ann@example.org blocked", "554"),
        (550, "", "550"),
    ],
)
def test_only_the_codes_are_kept(code: int, text: str, kept: str) -> None:
    assert reply_code(code, text) == kept
