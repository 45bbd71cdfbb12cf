"""The candidate search's reading plan: which blocks to read next, and how much of each."""

import pytest
from matching.domain.nearby import (
    FIRST_WAVE_BLOCKS,
    MAX_WAVE_BLOCKS,
    MIN_PAGE,
    Block,
    Read,
    ReadingPlan,
)

pytestmark = pytest.mark.unit


def blocks(n: int) -> list[Block]:
    return [Block(7, f"cell{i:03}", float(i)) for i in range(n)]


def keys(read: Read, n: int) -> list[str]:
    return [f"{read.block.first_key}{i:04}" for i in range(n)]


def test_the_first_wave_reads_a_quarter_of_enough_from_each_of_the_nearest_blocks() -> None:
    plan = ReadingPlan(blocks(10), enough=10)
    wave = plan.next_wave(found=0)
    assert [read.block.cell for read in wave] == ["cell000", "cell001", "cell002", "cell003"]
    assert {read.limit for read in wave} == {3}
    assert {read.after for read in wave} == {read.block.first_key for read in wave}
    assert len(wave) == FIRST_WAVE_BLOCKS


def test_a_block_with_more_to_read_comes_back_before_farther_ones() -> None:
    plan = ReadingPlan(blocks(10), enough=8)
    first = plan.next_wave(found=0)
    plan.read(first[0], keys(first[0], first[0].limit))  # full: it may hold more
    for read in first[1:]:
        plan.read(read, keys(read, 1))
    second = plan.next_wave(found=4)
    assert second[0].block == first[0].block
    assert second[0].after == keys(first[0], first[0].limit)[-1]
    assert [read.block.cell for read in second[1:]] == ["cell004", "cell005", "cell006"]
    assert {read.limit for read in second} == {2}


def test_sparse_waves_widen_to_the_limit_with_pages_of_what_is_still_wanted() -> None:
    plan = ReadingPlan(blocks(200), enough=100)
    widths, limits = [], []
    while wave := plan.next_wave(found=0):
        widths.append(len(wave))
        limits.append(wave[0].limit)
        for read in wave:
            plan.read(read, [])  # every block comes back short
    assert widths[:5] == [4, 8, 16, 32, 32]
    assert limits[:5] == [25, max(MIN_PAGE, 13), MIN_PAGE, MIN_PAGE, MIN_PAGE]
    assert max(widths) == MAX_WAVE_BLOCKS
    assert sum(widths) == 200


def test_the_plan_stops_once_enough_are_found_or_every_block_is_read() -> None:
    plan = ReadingPlan(blocks(10), enough=4)
    wave = plan.next_wave(found=0)
    for read in wave:
        plan.read(read, keys(read, read.limit))
    assert plan.next_wave(found=4) == []
    empty = ReadingPlan([], enough=4)
    assert empty.next_wave(found=0) == []
    assert ReadingPlan(blocks(3), enough=0).next_wave(found=0) == []
