"""The candidate search's reading plan: which blocks to read next, and how much of each."""

import pytest
from matching.domain.nearby import (
    FIRST_SHARE_KEPT,
    FIRST_WAVE_BLOCKS,
    MAX_WAVE_BLOCKS,
    MIN_PAGE,
    READ_MARGIN,
    Block,
    Read,
    ReadingPlan,
)

pytestmark = pytest.mark.unit


def blocks(n: int) -> list[Block]:
    return [Block(7, f"cell{i:03}", float(i)) for i in range(n)]


def keys(read: Read, n: int) -> list[str]:
    return [f"{read.block.first_key}{i:04}" for i in range(n)]


def test_the_constants_these_tests_count_with() -> None:
    assert (FIRST_WAVE_BLOCKS, FIRST_SHARE_KEPT, READ_MARGIN, MIN_PAGE) == (4, 0.5, 1.5, 8)


def test_the_first_wave_reads_the_nearest_blocks_for_enough_at_the_first_share_kept() -> None:
    plan = ReadingPlan(blocks(10), enough=100)
    wave = plan.next_wave(found=0)
    assert [read.block.cell for read in wave] == ["cell000", "cell001", "cell002", "cell003"]
    assert {read.after for read in wave} == {read.block.first_key for read in wave}
    # 1.5 x 100 wanted / 0.5 kept = 300 to read, shared by 4 blocks
    assert {read.limit for read in wave} == {75}


def test_a_page_is_never_under_the_least_page_nor_over_enough() -> None:
    assert {read.limit for read in ReadingPlan(blocks(10), enough=4).next_wave(found=0)} == {4}
    assert {read.limit for read in ReadingPlan(blocks(10), enough=10).next_wave(found=0)} == {8}


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


def test_later_pages_read_what_is_still_wanted_at_the_share_kept_so_far() -> None:
    def second_wave_limit(found: int) -> int:
        plan = ReadingPlan(blocks(10), enough=100)
        for read in plan.next_wave(found=0):
            plan.read(read, keys(read, read.limit))  # 4 full pages of 75: 300 read
        return plan.next_wave(found=found)[0].limit

    # 90 kept of 300: share (90 + 0.5) / 301; 1.5 x 10 still wanted at that share = 50 to read
    assert second_wave_limit(90) == 13
    # 60 kept: 1.5 x 40 / (60.5 / 301) = 299 to read
    assert second_wave_limit(60) == 75
    # nobody kept: the pages widen, but never past enough from one block
    assert second_wave_limit(0) == 100


def test_sparse_waves_widen_to_the_limit() -> None:
    plan = ReadingPlan(blocks(200), enough=100)
    widths, limits = [], []
    while wave := plan.next_wave(found=0):
        widths.append(len(wave))
        limits.append(wave[0].limit)
        for read in wave:
            plan.read(read, [])  # every block comes back short
    assert widths[:5] == [4, 8, 16, 32, 32]
    # 300 to read while nothing has come back, shared by the wave's blocks
    assert limits[:5] == [75, 38, 19, 10, 10]
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
