"""How the dispatcher groups due messages to send at once."""

import pytest
from notifications.domain.messages import Due
from notifications.handlers.sending import waves

pytestmark = pytest.mark.unit


def due(*recipients: str) -> list[Due]:
    return [Due(f"k{n}", recipient) for n, recipient in enumerate(recipients)]


def keys(cut: list[list[Due]]) -> list[list[str]]:
    return [[item.key for item in wave] for wave in cut]


def test_waves_keep_order_and_width() -> None:
    assert keys(waves(due("a", "b", "c", "d", "e"), width=2)) == [
        ["k0", "k1"],
        ["k2", "k3"],
        ["k4"],
    ]


def test_a_second_message_to_one_address_waits_for_the_next_wave() -> None:
    assert keys(waves(due("a", "b", "a", "c"), width=4)) == [["k0", "k1"], ["k2", "k3"]]


def test_width_one_sends_one_at_a_time_and_nothing_due_is_no_wave() -> None:
    assert keys(waves(due("a", "b"), width=1)) == [["k0"], ["k1"]]
    assert waves([], width=3) == []
