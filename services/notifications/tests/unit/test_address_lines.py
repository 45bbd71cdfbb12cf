"""How the dispatcher lines up due messages: one line per address, lines sent at once."""

import pytest
from notifications.domain.messages import Due
from notifications.handlers.sending import by_address

pytestmark = pytest.mark.unit


def due(*recipients: str) -> list[Due]:
    return [Due(f"k{n}", recipient) for n, recipient in enumerate(recipients)]


def keys(lines: list[list[Due]]) -> list[list[str]]:
    return [[item.key for item in line] for line in lines]


def test_each_address_has_one_line_in_order() -> None:
    assert keys(by_address(due("a", "b", "a", "c", "a"))) == [["k0", "k2", "k4"], ["k1"], ["k3"]]


def test_nothing_due_is_no_line() -> None:
    assert by_address([]) == []
