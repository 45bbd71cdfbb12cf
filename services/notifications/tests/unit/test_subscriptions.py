"""Who reacts to each event, read from the consumer tables: the order is the order they run in."""

import pytest
from notifications.entrypoints import consumers
from together_kit.messaging.subscriptions import describe

pytestmark = pytest.mark.unit


def test_a_registration_is_kept_before_its_confirmation_link_is_asked_for() -> None:
    assert describe(consumers.VOLUNTEERS)["volunteer.registered"] == [
        "people.record_registration",
        "messages.confirm_registration",
    ]


def test_a_cancelled_event_cancels_reminders_before_telling_anyone() -> None:
    assert describe(consumers.MATCHES)["event.cancelled"] == [
        "reminders.cancel_for_event",
        "matching.tell_cancellation",
        "organisers.close",
    ]


def test_each_event_has_one_queue() -> None:
    tables = [
        consumers.VOLUNTEERS,
        consumers.ORGANISATIONS,
        consumers.PLEDGES,
        consumers.MODERATION,
        consumers.MATCHES,
        consumers.SESSIONS,
        consumers.ERASURES,
        consumers.ACCESS,
    ]
    keys = [key for table in tables for key in describe(table)]
    assert len(keys) == len(set(keys))
