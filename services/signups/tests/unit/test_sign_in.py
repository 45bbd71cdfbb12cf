"""Signing in to "My together": a link works once, only for a confirmed volunteer; `next` only
leads somewhere on this site."""

import pytest
from signups.domain.onward import onward

from .fakes import NOW, joined

pytestmark = pytest.mark.unit

SITE = ["http://signups.test", "https://events.together.example/"]


def test_only_a_confirmed_volunteer_gets_a_sign_in_link_and_it_works_once() -> None:
    person = joined()
    assert person.sign_in_link() is None
    person.confirm(person.confirmation_nonce or "", NOW)

    nonce = person.sign_in_link()
    assert nonce is not None
    assert person.sign_in_link() == nonce, "links sent within the hour all work until one is used"
    assert not person.spend_sign_in("")
    assert not person.spend_sign_in("forged")
    assert person.spend_sign_in(nonce)
    assert not person.spend_sign_in(nonce)
    assert person.sign_in_link() not in (None, nonce)


@pytest.mark.parametrize(
    "wanted",
    [
        "/my",
        "/events/1/help?x=1",
        "http://signups.test/my",
        "http://signups.test",
        "https://events.together.example/events/e1/help",
    ],
)
def test_next_may_lead_to_this_site(wanted: str) -> None:
    assert onward(wanted, site=SITE) == wanted


@pytest.mark.parametrize(
    "wanted",
    [
        None,
        "",
        "//evil.example/x",
        "https://evil.example/",
        "http://moderation.test/",
        "https://events.together.example.evil.example/",
        "https://events.together.example@evil.example/",
        "http://user:pw@signups.test/my",
        "javascript:alert(1)",
        "/\\evil.example",
        "/my\nSet-Cookie: x",
        "https://events.together.exampleX/",
    ],
)
def test_next_never_leads_off_the_site(wanted: str | None) -> None:
    assert onward(wanted, site=SITE) is None
