"""Stopping periodic jobs: a cancellation swallowed inside a job must not hold the shutdown."""

import asyncio

import pytest
from together_kit.schedule import cancel_all

pytestmark = pytest.mark.unit


async def test_a_job_that_swallows_a_cancellation_is_cancelled_again_until_it_stops() -> None:
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed += 1  # as an inner await that completed anyway would

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_all([task], patience=5.0), timeout=10.0)
    assert task.cancelled()
    assert swallowed == 1


async def test_a_task_that_never_stops_is_left_after_the_patience() -> None:
    deaf = True

    async def task_body() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if not deaf:
                    raise

    task = asyncio.create_task(task_body())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_all([task], patience=1.5), timeout=10.0)
    assert not task.done()
    deaf = False
    await cancel_all([task])
    assert task.cancelled()
