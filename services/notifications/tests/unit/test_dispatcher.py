"""A stopping service lets the dispatch pass in progress finish instead of cutting a message off
between its claim and the hand-over (such a message would be marked unknown and never sent)."""

import asyncio
from typing import Any

import pytest
from notifications.entrypoints import dispatcher as dispatcher_module
from notifications.entrypoints.dispatcher import Dispatcher

pytestmark = pytest.mark.unit


async def test_stop_waits_for_the_pass_in_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    started = asyncio.Event()
    finished: list[str] = []

    async def slow_pass(_ctx: Any, **_: Any) -> None:
        started.set()
        await asyncio.sleep(0.3)
        finished.append("sent")

    monkeypatch.setattr(dispatcher_module.sending, "dispatch_due", slow_pass)
    dispatcher = Dispatcher(poll_seconds=60)

    async with dispatcher.running(ctx=None):  # type: ignore[arg-type]
        await asyncio.wait_for(started.wait(), timeout=5)

    assert finished == ["sent"]


async def test_a_pass_longer_than_the_grace_is_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def stuck_pass(_ctx: Any, **_: Any) -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    monkeypatch.setattr(dispatcher_module.sending, "dispatch_due", stuck_pass)
    monkeypatch.setattr(dispatcher_module, "FINISH_PASS_SECONDS", 0.2)
    dispatcher = Dispatcher(poll_seconds=60)

    async with dispatcher.running(ctx=None):  # type: ignore[arg-type]
        await asyncio.wait_for(started.wait(), timeout=5)

    assert cancelled == [True]
