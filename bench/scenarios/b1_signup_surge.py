"""B1 signup surge: concurrent clients POST /api/v1/signups until N are stored and confirmed.

Figure: signups/s from the first request to the N-th `volunteer.registered` seen on a probe queue
(so every one is stored and published with confirms), then p50/p99 at half that rate.
Limit L = 1/(1/H + 1/S + 1/P), the serial cost of the three things a signup must do, each
measured raw at the same concurrency: H a bare FastAPI POST with a pydantic body (same client),
S the store's insert_one of the document signups stored, P a pipelined confirmed publish of the
event body signups published.
"""

import asyncio
import json
import math
import uuid
from typing import Any

from pymongo import AsyncMongoClient

from bench import raw
from bench.context import RunContext, arrivals, sample_rss
from bench.loadgen import closed_loop, open_loop, post_request
from bench.profiling import recording
from bench.results import Figure, ScenarioResult
from bench.stats import curve, ms, percentile, rate

PATH = "/api/v1/signups"
REGISTERED = "volunteer.registered"


async def person_template(url: str, database: str) -> dict[str, Any]:
    client: AsyncMongoClient[dict[str, Any]] = raw.mongo_client(url)
    try:
        found = await client[database]["people"].find_one({})
    finally:
        await client.close()
    assert found is not None, "signups stored nobody"
    return found


def copies(template: dict[str, Any], count: int) -> list[dict[str, Any]]:
    made = []
    for n in range(count):
        document = dict(template)
        document["_id"] = str(uuid.uuid4())
        document["email"] = f"raw{n}.{uuid.uuid4().hex[:6]}@bench.example.org"
        made.append(document)
    return made


async def run(ctx: RunContext) -> ScenarioResult:
    p = ctx.params
    result = ScenarioResult("B1", "Signup surge")
    people = ctx.population(1)
    tag = ctx.stack.run_id
    bodies = [json.dumps(b).encode() for b in people.signups(p.b1_signups, run=f"{tag}b1")]
    result.params = {"signups": p.b1_signups, "concurrency": p.b1_concurrency}

    signups = ctx.stack.service("signups")
    ctx.shared["signups_ready_seconds_b1"] = signups.wait_ready()
    host, port = "127.0.0.1", signups.port
    requests = [post_request(host, port, PATH, body) for body in bodies]
    stop = asyncio.Event()
    peak = [0.0]
    sampler = asyncio.create_task(sample_rss(signups.pid, peak, stop))
    async with arrivals(ctx.stack.rabbitmq_url, (REGISTERED,)) as seen:
        with (
            recording(signups.pid, p.out / "profiles", "b1-signups", enabled=p.profile),
            recording(
                ctx.stack.store_pid or 0,
                p.out / "profiles",
                "b1-store",
                enabled=p.profile and ctx.stack.store_pid is not None,
            ),
        ):
            load = await closed_loop(host, port, requests, concurrency=p.b1_concurrency)
            created = load.count(lambda s: s == 202)
            last = await seen.wait_for(created, timeout=120 + created / 5)
        event_bodies = list(seen.bodies)
        peak_rate = rate(created, last - load.started)

        half = peak_rate / 2
        more = people.signups(int(half * p.b1_half_rate_seconds) + 1, run=f"{tag}b1h")
        half_bodies = [json.dumps(b).encode() for b in more]
        steady = await open_loop(
            host,
            port,
            lambda i: post_request(host, port, PATH, half_bodies[i]),
            rate=half,
            seconds=p.b1_half_rate_seconds,
        )
    stop.set()
    await sampler
    ctx.shared["signups_rss_during_b1_mb"] = peak[0]
    template = await person_template(ctx.stack.mongodb_url, ctx.stack.database("signups"))
    ctx.stack.stop(signups)

    with raw.bare_app(ctx.work_dir / "logs") as bare:
        bare_requests = [post_request(host, bare.port, PATH, body) for body in bodies]
        bare_load = await closed_loop(host, bare.port, bare_requests, concurrency=p.b1_concurrency)
        one_by_one = await closed_loop(
            host, bare.port, bare_requests[: p.hop_samples], concurrency=1
        )
    h = rate(bare_load.count(lambda s: s == 202), bare_load.seconds)
    s = await raw.insert_rate(
        ctx.stack.mongodb_url, copies(template, p.b1_signups), concurrency=p.b1_concurrency
    )
    published = (event_bodies * math.ceil(p.b1_signups / max(1, len(event_bodies))))[: p.b1_signups]
    pr = await raw.publish_rate(ctx.stack.rabbitmq_url, published)
    limit = 1 / (1 / h + 1 / s + 1 / pr)
    result.limits = {
        "H_http_per_s": h,
        "S_insert_per_s": s,
        "P_publish_per_s": pr,
        "L_per_s": limit,
    }

    hops = {
        "http": one_by_one.latencies(),
        "insert": await raw.insert_latencies(
            ctx.stack.mongodb_url, copies(template, p.hop_samples)
        ),
        "publish": await raw.publish_latencies(ctx.stack.rabbitmq_url, published[: p.hop_samples]),
    }
    ok = steady.latencies()
    result.add(Figure("signups/s", peak_rate, "/s", limit, "L=1/(1/H+1/S+1/P)", goal_ratio=0.5))
    for q in (50, 99):
        floor = sum(percentile(took, q) for took in hops.values())
        result.limits[f"hops_p{q}_ms"] = ms(floor)
        result.add(
            Figure(
                f"p{q} at 50% peak",
                ms(percentile(ok, q)),
                "ms",
                ms(floor),
                f"sum of raw hop p{q} (HTTP+insert+publish)",
                better="lower",
            )
        )
    result.series["latency_curves"] = {
        "signups at 50% peak": [(q, ms(v)) for q, v in curve(ok)],
        "bare POST (surge)": [(q, ms(v)) for q, v in curve(bare_load.latencies())],
    }
    errors = len(load.outcomes) - created
    result.params.update(
        half_rate=round(half, 1),
        half_rate_answered=len(steady.outcomes),
        half_rate_not_2xx=len(steady.outcomes) - len(ok),
        surge_not_202=errors,
        surge_client_cores=round(load.client_cores, 2),
        signups_rss_peak_mb=round(peak[0], 1),
    )
    if errors:
        result.notes.append(f"{errors} of {len(load.outcomes)} surge requests were not 202")
    return result
