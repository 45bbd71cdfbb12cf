"""Signups' subscription tables: the queues keep their names and bindings, each event its handlers."""

from typing import cast

import pytest
from signups.entrypoints import consumers
from together_kit.messaging.subscriptions import describe
from together_kit.runtime import ServiceRuntime

from .fakes import Runtime

pytestmark = pytest.mark.unit


def test_the_queues_keep_their_purposes_and_bindings() -> None:
    runtime = Runtime()
    consumers.register(cast(ServiceRuntime, runtime), ctx=object())
    assert runtime.bindings == {
        "erasures": ["person.erased", "person.erasure_requested"],
        "access": ["person.access_answered"],
        "unsubscribes": ["volunteer.unsubscribed"],
        "texts": ["volunteer.texts_stopped", "volunteer.channels_chosen"],
        "pledges": [
            "pledge.approved",
            "pledge.rejected",
            "pledge.update_approved",
            "pledge.update_rejected",
        ],
    }
    assert all(len(consumer.subscribers) == 1 for consumer in runtime.consumers.values())


def test_every_event_keeps_its_inbox_record() -> None:
    """No handler of signups writes under the event's id (`keyed`): each reads and rewrites a
    document (an erasure's or access request's answers, a consent log, a pledge), or deletes,
    so the consumer guard's inbox is what keeps a redelivery from taking effect twice."""
    runtime = Runtime()
    consumers.register(cast(ServiceRuntime, runtime), ctx=object())
    assert runtime.keyed == {purpose: [] for purpose in runtime.bindings}


def test_each_event_names_its_handlers() -> None:
    tables = [
        consumers.ERASURES,
        consumers.ACCESS,
        consumers.UNSUBSCRIBES,
        consumers.TEXTS,
        consumers.PLEDGES,
    ]
    assert {key: names for table in tables for key, names in describe(table).items()} == {
        "person.erased": ["erasure.record_erased"],
        "person.erasure_requested": ["erasure.erase_again"],
        "person.access_answered": ["access.record_answer"],
        "volunteer.unsubscribed": ["volunteers.note_unsubscribed_elsewhere"],
        "volunteer.texts_stopped": ["texts.note_texts_stopped"],
        "volunteer.channels_chosen": ["texts.note_channels_chosen"],
        "pledge.approved": ["pledges.record_decision"],
        "pledge.rejected": ["pledges.record_decision"],
        "pledge.update_approved": ["progress.record_update_decision"],
        "pledge.update_rejected": ["progress.record_update_decision"],
    }
