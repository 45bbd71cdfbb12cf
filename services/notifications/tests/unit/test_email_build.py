"""`build_email` keeps the header classes the stdlib makes and `flatten` writes one-line ASCII
headers without refolding them; the bytes sent are exactly what the same email built on the
stdlib's own policy and flattened by aiosmtplib's `flatten_message` gives."""

import re
from email.policy import default

import pytest
from aiosmtplib.email import flatten_message
from hypothesis import given, settings
from hypothesis import strategies as st
from notifications.adapters.channels.smtp import SmtpConfig, build_email, flatten
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
    Outgoing(
        key="k-4",
        to="jones@example.org",
        to_name='Jones, Ann "AJ" (café)',
        subject="Two  spaces, a (comment), =?utf-8?q?an_encoded_word?= and a tab\there",
        text="x",
        html="<p>x</p>",
        headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    ),
    Outgoing(
        key="k-5",
        to="long.name@example.org",
        to_name="A" * 70,
        subject="A subject long enough to need folding onto a second line when it is written",
        text="x",
        html="<p>x</p>",
    ),
]


def comparable(body: bytes) -> bytes:
    """Without what differs between two builds of one message: the boundary and the date."""
    return re.sub(rb"={15}\d+==|\r\nDate: [^\r]+", b"", body)


def both(message: Outgoing, *, utf8: bool, eight_bit: bool) -> tuple[bytes, bytes]:
    ours = flatten(build_email(message, config=CONFIG), utf8=utf8, eight_bit=eight_bit)
    stdlibs = build_email(message, config=CONFIG, policy=default)
    theirs = flatten_message(stdlibs, utf8=utf8, cte_type="8bit" if eight_bit else "7bit")
    return comparable(ours), comparable(theirs)


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.key)
@pytest.mark.parametrize(("utf8", "eight_bit"), [(False, True), (True, True), (False, False)])
def test_sent_emails_are_the_stdlibs_byte_for_byte(
    message: Outgoing, utf8: bool, eight_bit: bool
) -> None:
    ours, theirs = both(message, utf8=utf8, eight_bit=eight_bit)

    assert ours == theirs
    assert b"\r\nSubject:" in ours


LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120)


@settings(max_examples=150, deadline=None)
@given(name=st.one_of(st.just(""), LINE), subject=LINE, utf8=st.booleans())
def test_any_name_and_subject_are_written_as_the_stdlib_writes_them(
    name: str, subject: str, utf8: bool
) -> None:
    message = Outgoing(
        key="k", to="ann@example.org", to_name=name, subject=subject, text="x", html="<p>x</p>"
    )

    ours, theirs = both(message, utf8=utf8, eight_bit=True)

    assert ours == theirs
