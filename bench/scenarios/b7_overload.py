"""B7 overload: 10x B1's sustainable signup rate, offered for a while whatever the answers.

signups runs as a process; requests are started at the fixed rate (open loop) over up to
`b7_max_in_flight` connections, each with a deadline. Figures: the share of requests answered
2xx, 429 or 503 (a timeout, a refused connection or a 500 counts against it) and the goodput
(2xx/s) against B1's peak rate measured in the same run. Requests the client could not even
start (every connection busy) are reported as `not_sent`, and count against the share too.

Beside them, the floor: the same client at the same rate, for at most `FLOOR_SECONDS`, against
uvicorn serving a raw ASGI app that answers every request 503 at once (`bench.bare_app --shed`:
the cheapest answer signups could give), with signups stopped. Its share is the most this
machine's client and server answer at that rate: a share below 1 there cannot be reached by
signups here either.
"""

import json

from bench import raw
from bench.context import RunContext
from bench.loadgen import TIMEOUT_STATUS, closed_loop, open_loop, post_request
from bench.results import Figure, ScenarioResult
from bench.scenarios.b1_signup_surge import PATH
from bench.stats import curve, ms, rate

ANSWERED_ON_PURPOSE = (429, 503)
FLOOR_SECONDS = 20.0


async def run(ctx: RunContext) -> ScenarioResult:
    p = ctx.params
    result = ScenarioResult("B7", "Overload")
    people = ctx.population(7)
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
    ctx.stack.stop(signups)
    with raw.bare_app(ctx.work_dir / "bare-b7", shed=True) as bare:
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
    result.series["latency_curves"] = {
        "overload (2xx)": [(q, ms(v)) for q, v in curve(load.latencies())]
    }
    return result
