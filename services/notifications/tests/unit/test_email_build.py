"""`build_email` keeps the header classes the stdlib makes (`_KeptHeaderClasses`); the emails it
builds are byte for byte what the stdlib's own policy builds."""

import re
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtplib.email import flatten_message
from notifications.adapters.channels.smtp import SmtpConfig, _recipient, build_email
from notifications.domain.channels import Outgoing

pytestmark = pytest.mark.unit

CONFIG = SmtpConfig()
MESSAGES = [
    Outgoing(
        key="k-1",
        to="ann.jones@example.org",
        to_name="Ann Jones",
        subject="Confirm you want to join together",
        text="Hello Ann,\n\nConfirm: https://join.together.example/confirm/eyJ.abc\n",
        html="<p>Hello Ann,</p><p><a href='https://join.together.example/confirm/eyJ'>Confirm</a>",
        headers={"List-Unsubscribe": "<https://join.together.example/stop-emails/eyJ>"},
    ),
    Outgoing(
        key="k-2",
        to="sian@example.org",
        to_name='Siân Llŷr, "Tŷ" Bach',
        subject="Croeso i gyd — diolch am ymuno â'r digwyddiad " + "hir iawn " * 12,
        text="Diolch — " * 200,
        html="<p>Diolch — </p>" * 200,
    ),
    Outgoing(key="k-3", to="bob@example.org", subject="Plain", text="Hi\n.\n", html="<p>Hi</p>"),
]


def stdlib_build(message: Outgoing) -> EmailMessage:
    """`build_email` as it was written before, on a message of the stdlib's default policy."""
    built = build_email(message, config=CONFIG)
    plain = EmailMessage(policy=default)
    plain["From"] = CONFIG.sender
    plain["To"] = _recipient(message)
    plain["Subject"] = message.subject
    plain["Date"] = str(built["Date"])
    plain["Message-ID"] = str(built["Message-ID"])
    plain.set_content(message.text)
    plain.add_alternative(message.html, subtype="html")
    for name, value in message.headers.items():
        plain[name] = value
    return plain


def without_boundaries(body: bytes) -> bytes:
    return re.sub(rb"={15}\d+==", b"BOUNDARY", body)


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.key)
@pytest.mark.parametrize("utf8", [False, True])
def test_built_emails_are_the_stdlibs_byte_for_byte(message: Outgoing, utf8: bool) -> None:
    ours = flatten_message(build_email(message, config=CONFIG), utf8=utf8, cte_type="8bit")
    theirs = flatten_message(stdlib_build(message), utf8=utf8, cte_type="8bit")

    assert without_boundaries(ours) == without_boundaries(theirs)
    assert b"Subject: " in ours
