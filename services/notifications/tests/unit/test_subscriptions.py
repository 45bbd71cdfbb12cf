"""Who reacts to each event, read from the consumer tables: the order is the order they run in."""

import pytest
from notifications.entrypoints import consumers
from notifications.handlers import messages, people
from together_contracts import VolunteerRegistered
from together_kit.messaging.subscriptions import describe, keyed

pytestmark = pytest.mark.unit


def test_a_registration_asks_for_its_confirmation_link_then_keeps_the_contact() -> None:
    """Both keyed (no inbox): a redelivery finds the message first, and ends there if the person
    was erased meanwhile, so the contact is not brought back."""
    assert describe(consumers.VOLUNTEERS)["volunteer.registered"] == [
        "messages.confirm_registration",
        "people.record_registration",
    ]
    assert consumers.VOLUNTEERS[VolunteerRegistered] == [
        keyed(messages.confirm_registration),
        keyed(people.record_registration),
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
