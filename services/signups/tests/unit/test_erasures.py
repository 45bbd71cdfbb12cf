"""Who an erasure or a subject access request still waits for, and how far an erasure reaches."""

import pytest
from signups.domain.erasures import ASKED, UNCONFIRMED, reaches_address, waiting_for

pytestmark = pytest.mark.unit

SERVICES = ("moderation", "matching", "notifications")


def test_signups_is_awaited_first_then_each_service_in_order() -> None:
    assert waiting_for({}, SERVICES) == ["signups", *SERVICES]
    assert waiting_for({"signups", "matching"}, SERVICES) == ["moderation", "notifications"]


def test_a_request_every_service_answered_waits_for_nobody() -> None:
    assert waiting_for({"signups", *SERVICES, "someone-else"}, SERVICES) == []


def test_only_an_erasure_the_person_asked_for_reaches_their_address() -> None:
    assert reaches_address(ASKED)
    assert not reaches_address(UNCONFIRMED)
