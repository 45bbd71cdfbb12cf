"""Keys, address hashes and the retry plan of the delivery log."""

from datetime import UTC, datetime, timedelta

import pytest
from notifications.adapters.address_keys import address_keys
from notifications.domain.messages import (
    AddressKeys,
    Message,
    RetryPlan,
    Status,
    address_hash,
    message_key,
)
from together_kit.keys import SecretKeys

pytestmark = pytest.mark.unit
KEY = b"k" * 32


def logged(address: str, recipient_hash: str) -> Message:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    return Message(
        key="key",
        cause_event_id="cause",
        template="volunteer_confirm",
        recipient_hash=recipient_hash,
        status=Status.SENT,
        queued_at=now,
        not_before=now,
        recipient=address,
    )


def test_address_hash_ignores_case_and_spaces_and_hides_the_address() -> None:
    hashed = address_hash(" Ann@Example.org ", key=KEY)
    assert hashed == address_hash("ann@example.org", key=KEY)
    assert "ann" not in hashed
    assert hashed != address_hash("ann@example.org", key=b"other" * 8)


def test_address_digests_are_written_under_the_current_key_and_found_under_every_key() -> None:
    keys = AddressKeys(current=KEY, older=(b"o" * 32, KEY))
    found = keys.digests("Ann@example.org")
    assert found == [address_hash("ann@example.org", key=k) for k in (KEY, b"o" * 32)]
    assert keys.digest("ann@example.org") == found[0]
    assert keys.digests_of(logged("ann@example.org", found[1])) == found
    assert keys.digests_of(logged("", "erased")) == ["erased"]


def test_the_address_key_is_derived_and_the_raw_secrets_only_looked_for() -> None:
    new, old = "n" * 40, "o" * 40
    keys = address_keys(SecretKeys(new, (old,)))
    derived = SecretKeys(new, (old,)).verifying("together.notifications.address-digests")
    assert keys.current == derived[-1]
    assert keys.current not in (new.encode(), old.encode())
    assert keys.older == (derived[0], new.encode(), old.encode())


def test_one_key_per_event_recipient_and_template() -> None:
    key = message_key(cause_event_id="e1", recipient_hash="r1", template="t1")
    assert key == message_key(cause_event_id="e1", recipient_hash="r1", template="t1")
    others = {
        message_key(cause_event_id="e2", recipient_hash="r1", template="t1"),
        message_key(cause_event_id="e1", recipient_hash="r2", template="t1"),
        message_key(cause_event_id="e1", recipient_hash="r1", template="t2"),
    }
    assert key not in others
    assert len(others) == 3


def test_retry_plan_doubles_up_to_a_cap_then_stops() -> None:
    plan = RetryPlan(max_attempts=5, first=timedelta(seconds=30), cap=timedelta(minutes=1))
    assert [plan.after(n) for n in range(1, 6)] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=1),
        timedelta(minutes=1),
        None,
    ]
