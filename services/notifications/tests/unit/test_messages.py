"""Keys, address hashes and the retry plan of the delivery log."""

from datetime import timedelta

import pytest
from notifications.domain.messages import RetryPlan, address_hash, message_key

pytestmark = pytest.mark.unit
KEY = b"k" * 32


def test_address_hash_ignores_case_and_spaces_and_hides_the_address() -> None:
    hashed = address_hash(" Ann@Example.org ", key=KEY)
    assert hashed == address_hash("ann@example.org", key=KEY)
    assert "ann" not in hashed
    assert hashed != address_hash("ann@example.org", key=b"other" * 8)


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
