"""B7 overload: 10x B1's sustainable signup rate, offered for a while whatever the answers.

signups runs as a process; requests are started at the fixed rate (open loop) over up to
`b7_max_in_flight` connections, each with a deadline. Figures: the share of requests answered
2xx, 429 or 503 (a timeout, a refused connection or a 500 counts against it) and the goodput
(2xx/s) against B1's peak rate measured in the same run. Requests the client could not even
start (every connection busy) are reported as `not_sent`, and count against the share too.

Beside them, two floors, each for at most `FLOOR_SECONDS`, against uvicorn serving a raw ASGI app
that answers every request 503 at once (`bench.bare_app --shed`: the cheapest answer signups could
give):

- the share: the same client at the same rate against that app alone, with signups stopped. Its
  share is the most this machine's client and server answer at that rate: a share below 1 there
  cannot be reached by signups here either;
- the goodput: signups served by B1's closed loop (its concurrency, as fast as answered) while the
  same client floods that app with the rest of the offered rate. The flood's cost (the client's
  CPU, and refusals made in another process, on whichever core is free) is what any overloaded
  server on this machine must carry; the signups/s signups still makes beside it is the most B7's
  goodput could be here (signups refuses the flood in its own process, which costs it more).

The client's CPU (`client_cores`: busy cores on average) is reported for each load.
"""

import asyncio
import json
import time

from bench import raw
from bench.context import RunContext
from bench.loadgen import TIMEOUT_STATUS, LoadResult, closed_loop, open_loop, post_request
from bench.results import Figure, ScenarioResult
from bench.scenarios.b1_signup_surge import PATH
from bench.stats import curve, ms, rate

ANSWERED_ON_PURPOSE = (429, 503)
FLOOR_SECONDS = 20.0


async def run(ctx: RunContext) -> ScenarioResult:
    p = ctx.params
    result = ScenarioResult("B7", "Overload")
    people = ctx.population(7)
    tag = ctx.stack.run_id
    signups = ctx.stack.service("signups")
    signups.wait_ready()
    host, port = "127.0.0.1", signups.port
    b1 = ctx.results.get("B1")
    surge = b1.figure("signups/s") if b1 else None
    if surge is not None:
        sustainable = surge.value
    else:
        count = 100 if p.quick else 1000
        bodies = [
            json.dumps(b).encode() for b in people.signups(count, run=f"{ctx.stack.run_id}b7p")
        ]
        probe = await closed_loop(
            host,
            port,
            [post_request(host, port, PATH, b) for b in bodies],
            concurrency=p.b1_concurrency,
        )
        sustainable = rate(probe.count(lambda s: 200 <= s < 300), probe.seconds)
        result.notes.append("B1 did not run: sustainable rate probed here (closed loop)")
    offered = sustainable * p.b7_multiplier
    total = int(offered * p.b7_seconds) + 1
    bodies = [json.dumps(b).encode() for b in people.signups(total, run=f"{ctx.stack.run_id}b7")]
    load = await open_loop(
        host,
        port,
        lambda i: post_request(host, port, PATH, bodies[i]),
        rate=offered,
        seconds=p.b7_seconds,
        max_in_flight=p.b7_max_in_flight,
        timeout=p.b7_timeout_seconds,
    )
    with raw.bare_app(ctx.work_dir / "bare-b7", shed=True) as bare:
        served, flood = await beside_a_flood(
            host,
            port,
            bare.port,
            [
                json.dumps(b).encode()
                for b in people.signups(int(sustainable * FLOOR_SECONDS * 1.5) + 1, run=f"{tag}b7g")
            ],
            bodies,
            flood_rate=offered - sustainable,
            seconds=min(p.b7_seconds, FLOOR_SECONDS),
            concurrency=p.b1_concurrency,
            max_in_flight=p.b7_max_in_flight,
            timeout=p.b7_timeout_seconds,
        )
        ctx.stack.stop(signups)
        floor = await open_loop(
            host,
            bare.port,
            lambda i: post_request(host, bare.port, PATH, bodies[i]),
            rate=offered,
            seconds=min(p.b7_seconds, FLOOR_SECONDS),
            max_in_flight=p.b7_max_in_flight,
            timeout=p.b7_timeout_seconds,
        )
    asked = len(load.outcomes) + load.not_sent
    ok = load.count(lambda s: 200 <= s < 300)
    on_purpose = load.count(lambda s: s in ANSWERED_ON_PURPOSE)
    timeouts = load.count(lambda s: s == TIMEOUT_STATUS)
    errors = load.count(lambda s: s >= 500 and s != 503)
    other = len(load.outcomes) - ok - on_purpose - timeouts - errors
    answered_share = (ok + on_purpose) / asked if asked else 0.0
    result.params = {
        "sustainable_per_s": round(sustainable, 1),
        "offered_per_s": round(offered, 1),
        "seconds": p.b7_seconds,
        "asked": asked,
        "sent_per_s": round(rate(len(load.outcomes), load.seconds), 1),
        "2xx": ok,
        "429_503": on_purpose,
        "timeouts_or_refused": timeouts,
        "5xx": errors,
        "other": other,
        "not_sent_client_busy": load.not_sent,
        "unanswered_by_cause": dict(load.failures.most_common()),
        "floor_asked": len(floor.outcomes) + floor.not_sent,
        "floor_sent_per_s": round(rate(len(floor.outcomes), floor.seconds), 1),
        "floor_not_sent_client_busy": floor.not_sent,
        "client_cores": round(load.client_cores, 2),
        "floor_client_cores": round(floor.client_cores, 2),
        "goodput_floor_served_2xx": served.count(lambda s: 200 <= s < 300),
        "goodput_floor_flood_sent_per_s": round(rate(len(flood.outcomes), flood.seconds), 1),
        "goodput_floor_client_cores": round(flood.client_cores, 2),
    }
    result.add(
        Figure("share 2xx/429/503", answered_share, "", 1.0, "every request", goal_ratio=1.0)
    )
    result.add(
        Figure(
            "goodput",
            rate(ok, load.seconds),
            "/s",
            sustainable,
            "B1 signups/s (same run)",
            goal_ratio=0.9,
        )
    )
    floor_asked = len(floor.outcomes) + floor.not_sent
    floor_answered = floor.count(lambda s: 200 <= s < 300 or s in ANSWERED_ON_PURPOSE)
    result.add(
        Figure(
            "floor: share answered by a server that sheds every request, same client and rate",
            floor_answered / floor_asked if floor_asked else 0.0,
            "",
            1.0,
            "every request",
        )
    )
    result.add(
        Figure(
            "floor: goodput beside the same flood refused by a bare server",
            rate(served.count(lambda s: 200 <= s < 300), served.seconds),
            "/s",
            sustainable,
            "B1 signups/s (same run)",
        )
    )
    result.series["latency_curves"] = {
        "overload (2xx)": [(q, ms(v)) for q, v in curve(load.latencies())]
    }
    return result


async def beside_a_flood(
    host: str,
    port: int,
    flood_port: int,
    bodies: list[bytes],
    flood_bodies: list[bytes],
    *,
    flood_rate: float,
    seconds: float,
    concurrency: int,
    max_in_flight: int,
    timeout: float,
) -> tuple[LoadResult, LoadResult]:
    """Signups as fast as `concurrency` clients get answers, for `seconds`, while the same process
    floods `flood_port` at `flood_rate` (open loop): what each load got."""
    until = time.perf_counter() + seconds
    served, flood = await asyncio.gather(
        closed_loop(
            host,
            port,
            [post_request(host, port, PATH, body) for body in bodies],
            concurrency=concurrency,
            until=until,
        ),
        open_loop(
            host,
            flood_port,
            lambda i: post_request(host, flood_port, PATH, flood_bodies[i % len(flood_bodies)]),
            rate=flood_rate,
            seconds=seconds,
            max_in_flight=max_in_flight,
            timeout=timeout,
        ),
    )
    return served, flood
