"""B6 footprint: each service's RSS when idle (and signups' during B1), and start-to-ready time.

Services start one at a time, so one's start does not slow another's (with `--quick` they start
together, to keep the smoke run short: its ready times are then upper bounds). Start-to-ready runs
from spawning `python -m <service>` to the first 200 from /readyz (store and broker both
answered). Limit: the bare FastAPI app of B1 (`bench.bare_app`, uvicorn as a process) started
the same way: its RSS and its time to first answer.
"""

import asyncio

from bench import raw
from bench.context import RunContext
from bench.results import Figure, ScenarioResult
from bench.stack import LaunchedService, rss_mb

SERVICES = ("signups", "moderation", "matching", "notifications")


async def start_and_measure(ctx: RunContext, name: str, settle: float) -> tuple[float, float]:
    """(seconds to ready, idle RSS in MB) of one service, stopped afterwards."""
    process: LaunchedService = ctx.stack.service(name, daytime=name == "notifications")
    try:
        ready = await asyncio.to_thread(process.wait_ready)
        await asyncio.sleep(settle)
        return ready, rss_mb(process.pid)
    finally:
        ctx.stack.stop(process)


async def run(ctx: RunContext) -> ScenarioResult:
    quick = ctx.params.quick
    settle = 0.5 if quick else 3.0
    result = ScenarioResult("B6", "Footprint")
    bare, bare_ready = raw.start_bare_app_timed(ctx.work_dir / "logs")
    await asyncio.sleep(settle)
    bare_rss = rss_mb(bare.pid)
    ctx.stack.stop(bare)
    result.limits = {"bare_app_rss_mb": bare_rss, "bare_app_ready_s": bare_ready}
    if quick:
        measured = await asyncio.gather(*(start_and_measure(ctx, n, settle) for n in SERVICES))
        result.notes.append("--quick: services started together; ready times are upper bounds")
    else:
        measured = [await start_and_measure(ctx, name, settle) for name in SERVICES]
    for name, (ready, idle) in zip(SERVICES, measured, strict=True):
        result.add(
            Figure(
                f"RSS idle {name}",
                idle,
                "MB",
                bare_rss,
                "bare FastAPI app RSS",
                better="lower",
                goal_value=120.0,
            )
        )
        result.add(
            Figure(
                f"ready {name}",
                ready,
                "s",
                bare_ready,
                "bare app to first answer",
                better="lower",
                goal_value=3.0,
            )
        )
    during = ctx.shared.get("signups_rss_during_b1_mb")
    if during:
        result.add(
            Figure(
                "RSS signups during B1",
                float(during),
                "MB",
                bare_rss,
                "bare FastAPI app RSS",
                better="lower",
            )
        )
    else:
        result.notes.append("B1 did not run: no RSS under load")
    return result
