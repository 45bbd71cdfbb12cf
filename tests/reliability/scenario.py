"""One fault scenario: load, fault, settle, record, assert."""

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable

from together_kit.testing.probe import read_queue
from together_kit.testing.waiting import eventually

from .harness import STRANDED, Load, Outcome, Rig, settle

Fault = Callable[[Load], Awaitable[str]]
"""Waits for its moment in the load, does its damage, undoes it, returns a note for the report."""


async def run_scenario(
    rig: Rig,
    record: Callable[[Outcome], None],
    *,
    name: str,
    total: int,
    fault: Fault,
    concurrency: int = 8,
    timeout: float = 120.0,
    dead_letters_expected: bool = False,
    check_dead_letters: bool = True,
    more_notes: Callable[[], str] | None = None,
) -> Outcome:
    """Every accepted signup gets exactly one email, whatever the fault: no excuses (a killed
    notifications settles what it was handing over from its journal when it restarts)."""
    started = time.monotonic()
    load = Load(
        base_url=lambda: rig.url("signups"),
        scenario=f"{name}-{rig.run_id}",
        total=total,
        concurrency=concurrency,
    )
    load_task = asyncio.create_task(load.run())
    try:
        note = await fault(load)
    except BaseException:
        load_task.cancel()
        raise
    fault_ended = time.monotonic()
    result = await load_task
    outcome = await settle(
        rig,
        result.accepted,
        fault_ended=fault_ended,
        timeout=timeout,
        scenario=name,
        started=started,
    )
    http = ", ".join(f"{code}x{n}" for code, n in sorted(result.statuses.items()))
    outcome.notes = f"{note}; http {http}; transport errors {result.transport_errors}"
    if more_notes is not None:
        outcome.notes += f"; {more_notes()}"
    if outcome.lost:
        missing = result.accepted - set(rig.sink.per_recipient(result.accepted))
        statuses = await rig.message_statuses(missing)
        outcome.notes += f"; lost emails' delivery log {dict(Counter(statuses.values()))}"
    record(outcome)

    assert result.statuses[500] == 0, f"{result.statuses[500]} answers were 500"
    assert result.missing_retry_after == 0, "a 503 came without Retry-After"
    assert len(result.accepted) == total
    assert outcome.duplicates == 0, f"{outcome.duplicates} duplicate emails"
    assert outcome.lost == 0, f"{outcome.lost} signups never got their email ({outcome.notes})"
    backlog = await eventually(
        rig.backlog, until=lambda b: not any(b.values()), timeout=60, what="outboxes drained"
    )
    assert not any(backlog.values())
    stuck = await rig.message_statuses(result.accepted)
    sending = sum(1 for status in stuck.values() if status in STRANDED)
    assert sending == 0, f"{sending} messages left sending or unknown"
    if check_dead_letters and not dead_letters_expected:
        for service in rig.services:
            dead = await read_queue(rig.rabbitmq_url, f"{service}.dead")
            assert not dead, f"{len(dead)} dead letters in {service}.dead: {dead[0].headers}"
    return outcome
