"""Ports for processes a test starts: never the same one twice, though none is bound yet."""

import pytest
from together_kit.devstack import free_port

pytestmark = pytest.mark.integration


def test_free_port_never_hands_out_a_port_twice() -> None:
    """The kernel offers a just-released port again now and then (2 repeats in 300 calls, seen);
    handed to two services starting together, the second fails to bind."""
    ports = [free_port() for _ in range(2000)]
    assert len(set(ports)) == len(ports)
