"""The tests' drama mobiles: each once per process, never one written out in a test."""

import pytest
from together_contracts import normalised_phone
from together_kit.testing.phones import NAMED, drama_mobile

pytestmark = pytest.mark.unit


def test_each_drama_mobile_is_handed_out_once_and_none_is_a_named_one() -> None:
    mobiles = [drama_mobile() for _ in range(200)]

    endings = [int(mobile.e164[-3:]) for mobile in mobiles]
    assert len(set(endings)) == len(endings)
    assert not set(endings) & NAMED
    for mobile in mobiles:
        assert mobile.national.startswith("07700 900")
        assert normalised_phone(mobile.national) == mobile.e164
