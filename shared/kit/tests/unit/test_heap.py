"""How a service's process settles its heap once the app is built (`together_kit.serve`)."""

import gc
from collections.abc import Iterator

import pytest
from together_kit.serve import YOUNG_COLLECTION_EVERY, settle_heap

pytestmark = pytest.mark.unit


@pytest.fixture
def collector() -> Iterator[None]:
    """Nothing frozen before the test (so only `settle_heap` can freeze what it counts), and
    the test process's thresholds as they were after it, whatever it did to them."""
    threshold = gc.get_threshold()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector")
def test_what_was_built_is_frozen_and_the_young_generation_collected_less_often() -> None:
    gc.set_threshold(700, 10, 10)
    built = [[n] for n in range(1000)]

    settle_heap()

    assert gc.get_freeze_count() >= len(built)
    assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, 10, 10)
    assert YOUNG_COLLECTION_EVERY > 700
