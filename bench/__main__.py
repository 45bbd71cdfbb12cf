"""`python -m bench [B1 B3 ...] [--quick] [--seed N] [--out var/bench] [--publish]`: see
bench/__init__.py."""

import argparse
import asyncio
import dataclasses
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import budgets, provenance, publish, report
from bench.config import Params, quick_params
from bench.context import RunContext
from bench.people import geonames_path
from bench.results import ScenarioResult
from bench.scenarios import (
    b1_signup_surge,
    b2_end_to_end,
    b3_matching,
    b4_fan_out,
    b5_consumer,
    b6_footprint,
    b7_overload,
)
from bench.stack import ROOT, stack

Scenario = Callable[[RunContext], Awaitable[ScenarioResult]]
SCENARIOS: dict[str, tuple[str, Scenario]] = {
    "B1": ("signup surge", b1_signup_surge.run),
    "B2": ("end to end at a steady rate", b2_end_to_end.run),
    "B3": ("matching against V volunteers", b3_matching.run),
    "B4": ("invitation fan-out", b4_fan_out.run),
    "B5": ("consumer, keyed handler", b5_consumer.run),
    "B6": ("footprint", b6_footprint.run),
    "B7": ("overload", b7_overload.run),
}


def sizes(value: str) -> tuple[int, ...]:
    try:
        found = tuple(int(float(part)) for part in value.split(",") if part.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {value}") from error
    if not found or min(found) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return found


@dataclasses.dataclass(frozen=True)
class Options:
    chosen: list[str]
    params: Params
    publish: bool
    budgets: Path


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "scenarios", nargs="*", metavar="B1..B7", help="which to run (default: all, in order)"
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument(
        "--seed", type=int, default=Params.seed, help="seed of the synthetic people"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench", help="results folder")
    parser.add_argument(
        "--b3-sizes",
        type=sizes,
        default=Params.b3_sizes,
        help="volunteer profile counts for B3 (default 10000,100000,1000000)",
    )
    parser.add_argument("--b1-signups", type=int, default=Params.b1_signups, help="B1 surge size")
    parser.add_argument(
        "--b4-messages", type=int, default=Params.b4_messages, help="B4 invitations"
    )
    parser.add_argument(
        "--b7-seconds", type=float, default=Params.b7_seconds, help="B7 overload duration"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile under load into <out>/profiles/ (B1 signups + store, B3 matching, B4 notifications, B5 matching + store)",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="write docs/benchmarks.md and docs/benchmarks/*.svg (a full run of every scenario only)",
    )
    parser.add_argument(
        "--budgets",
        type=Path,
        default=ROOT / "var" / "bench" / budgets.BUDGETS_FILE,
        help="store commands per operation counted by `make budgets` (default var/bench/budgets.json)",
    )
    parser.add_argument(
        "--geonames",
        type=Path,
        default=None,
        help="GeoNames GB.txt (default: matching's MATCHING_GEONAMES_PATH setting)",
    )
    args = parser.parse_args(argv)
    chosen = [name.upper() for name in args.scenarios] or list(SCENARIOS)
    if unknown := [name for name in chosen if name not in SCENARIOS]:
        parser.error(
            f"unknown scenario(s): {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
        )
    if args.publish and (args.quick or len(chosen) < len(SCENARIOS)):
        parser.error("--publish publishes a full run: every scenario, without --quick")
    params = Params(
        seed=args.seed,
        out=args.out,
        geonames=args.geonames or geonames_path(),
        b3_sizes=args.b3_sizes,
        b7_seconds=args.b7_seconds,
        b1_signups=args.b1_signups,
        b4_messages=args.b4_messages,
        profile=args.profile,
    )
    if not params.geonames.is_file():
        parser.error(
            f"no GeoNames file at {params.geonames}: set MATCHING_GEONAMES_PATH or --geonames"
        )
    return Options(
        chosen=chosen,
        params=quick_params(params) if args.quick else params,
        publish=args.publish,
        budgets=args.budgets,
    )


async def run_all(chosen: list[str], params: Params, work_dir: Path) -> list[ScenarioResult]:
    results: list[ScenarioResult] = []
    try:
        with stack(work_dir) as running:
            ctx = RunContext(params=params, stack=running, work_dir=work_dir)
            for key in chosen:
                results.append(await run_one(key, ctx))
    except Exception:
        # Tearing down (the vhost, the store) failing on a busy machine must not lose results.
        if not results:
            raise
        traceback.print_exc()
    return results


async def run_one(key: str, ctx: RunContext) -> ScenarioResult:
    title, scenario = SCENARIOS[key]
    print(f"[bench] {key} {title} ...", flush=True)
    started = time.perf_counter()
    result: ScenarioResult | None = None
    try:
        with ctx.stack.fresh_vhost():
            try:
                result = await scenario(ctx)
            finally:
                ctx.stack.stop_all()  # before its vhost goes
    except Exception as error:
        traceback.print_exc()
        if result is None:
            result = ScenarioResult(key, title, notes=[f"failed: {error!r}"])
        else:
            result.notes.append(f"cleaning up after it failed: {error!r}")
    result.seconds = time.perf_counter() - started
    ctx.results[key] = result
    print(f"[bench] {key} done in {result.seconds:.1f}s", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    options = parse(sys.argv[1:] if argv is None else argv)
    chosen, params = options.chosen, options.params
    try:
        counted = budgets.load(options.budgets)
    except budgets.BudgetFileError as error:
        print(f"[bench] {error}; run `make budgets` again", file=sys.stderr)
        return 2
    commit = provenance.commit(ROOT)  # before the run: the tree measured
    when = datetime.now(UTC)
    params.out.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="work-", dir=params.out))
    started = time.perf_counter()
    try:
        results = asyncio.run(run_all(chosen, params, work_dir))
    finally:
        logs = params.out / "logs"
        shutil.rmtree(logs, ignore_errors=True)
        if (work_dir / "logs").is_dir():
            shutil.copytree(work_dir / "logs", logs)
        shutil.rmtree(work_dir, ignore_errors=True)
    arguments = {
        k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(params).items()
    }
    arguments["scenarios"] = chosen
    arguments["total_seconds"] = round(time.perf_counter() - started, 1)
    path = report.write_json(results, params.out, args=arguments, commit=commit, budgets=counted)
    drawn = report.charts(results, params.out)
    print()
    print(report.table(results))
    for result in results:
        for note in result.notes:
            print(f"  {result.key}: {note}")
    print()
    print(report.budget_table(counted))
    print(f"\nresults: {path}\ncharts: {', '.join(str(p) for p in drawn)}")
    if options.publish:
        run = publish.Run(
            when=when,
            commit=commit,
            machine=provenance.machine(),
            params=params,
            seconds=time.perf_counter() - started,
        )
        page = publish.publish(results, run=run, budgets=counted, charts=drawn, docs=ROOT / "docs")
        print(f"published: {page} and {page.parent / publish.CHARTS_DIR}/ (commit them)")
    print(
        f"total {time.perf_counter() - started:.0f}s (ratios compare runs; absolute figures are this machine's, now)"
    )
    failed = [r.key for r in results if not r.figures]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
