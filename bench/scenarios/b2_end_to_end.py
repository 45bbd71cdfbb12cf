"""B2 end to end at a steady rate: signup -> confirmation email accepted by the SMTP sink.

signups and notifications run as processes (notifications with a daytime clock); requests are
started at a fixed rate (open loop), one run per rate in `b2_rates` (issue 20's 20/s and 50/s,
one after the other on the same processes), and each one's latency runs from the moment it was
due to the moment the sink accepted the email to its address. Limit: the sum of the raw hops one signup
takes (HTTP round trip, insert, confirmed publish, broker-to-consumer, SMTP send), each timed one
at a time in the same run; p50 against the sum of the hops' p50s, p99 against their p99s.
"""

import json
from collections.abc import Callable

from bench import raw
from bench.context import RunContext, wait_while_progressing
from bench.loadgen import closed_loop, open_loop, post_request
from bench.mail import mail_sink
from bench.results import Figure, ScenarioResult
from bench.scenarios.b1_signup_surge import PATH, copies, person_template
from bench.stats import curve, ms, percentile

MESSAGE_BYTES = 1500


def _posting(host: str, port: int, payloads: list[bytes]) -> Callable[[int], bytes]:
    return lambda i: post_request(host, port, PATH, payloads[i])


P99_GOAL_MS = {20.0: 250.0, 50.0: 1000.0}
"""Issue 20's goals for the p99 at each rate."""


async def run(ctx: RunContext) -> ScenarioResult:
    p = ctx.params
    result = ScenarioResult("B2", "End to end at a steady rate")
    people = ctx.population(2)
    result.params = {"rates_per_s": list(p.b2_rates), "seconds": p.b2_seconds}
    latencies: dict[float, list[float]] = {}

    with mail_sink(ctx.work_dir / "mail-b2") as sink:
        signups = ctx.stack.service("signups")
        notifications = ctx.stack.service(
            "notifications",
            daytime=True,
            NOTIFICATIONS_SMTP_HOST="127.0.0.1",
            NOTIFICATIONS_SMTP_PORT=str(sink.smtp_port),
        )
        signups.wait_ready()
        notifications.wait_ready()
        host, port = "127.0.0.1", signups.port
        for rate in p.b2_rates:
            count = int(rate * p.b2_seconds)
            bodies = list(people.signups(count, run=f"{ctx.stack.run_id}b2r{rate:g}"))
            emails = [str(b["email"]).lower() for b in bodies]
            payloads = [json.dumps(b).encode() for b in bodies]
            before = len(sink.messages)
            load = await open_loop(
                host, port, _posting(host, port, payloads), rate=rate, seconds=p.b2_seconds
            )
            await wait_while_progressing(lambda: len(sink.messages), before + count)
            in_order = sorted(load.outcomes, key=lambda o: o.due)
            due = {emails[i]: o.due for i, o in enumerate(in_order)}
            accepted = {emails[i] for i, o in enumerate(in_order) if 200 <= o.status < 300}
            latencies[rate] = [
                sink.arrived[e] - due[e] for e in emails if e in sink.arrived and e in due
            ]
            missing = len(accepted - set(sink.arrived))
            result.params[f"at_{rate:g}_per_s"] = {
                "signups": count,
                "emails": len(latencies[rate]),
                "not_2xx": len(load.outcomes) - len(accepted),
                "missing": missing,
            }
            if missing:
                result.notes.append(
                    f"at {rate:g}/s, {missing} of {len(accepted)} accepted signups' confirmation"
                    " emails did not arrive in time"
                )
        template = await person_template(ctx.stack.mongodb_url, ctx.stack.database("signups"))
        ctx.stack.stop_all()

        first = list(people.signups(p.hop_samples, run=f"{ctx.stack.run_id}b2hops"))
        payloads = [json.dumps(b).encode() for b in first]
        with raw.bare_app(ctx.work_dir / "logs") as bare:
            requests = [post_request(host, bare.port, PATH, b) for b in payloads]
            http = (await closed_loop(host, bare.port, requests, concurrency=1)).latencies()
        event = json.dumps({"data": first[0]}).encode()
        hops = {
            "http": http,
            "insert": await raw.insert_latencies(
                ctx.stack.mongodb_url, copies(template, p.hop_samples)
            ),
            "publish": await raw.publish_latencies(ctx.stack.rabbitmq_url, [event] * p.hop_samples),
            "consume": await raw.consume_latencies(ctx.stack.rabbitmq_url, [event] * p.hop_samples),
            "smtp": await raw.smtp_latencies(sink.smtp_port, p.hop_samples, size=MESSAGE_BYTES),
        }
    for name, took in hops.items():
        result.limits[f"{name}_p50_ms"] = ms(percentile(took, 50))
    sums = {q: sum(percentile(took, q) for took in hops.values()) for q in (50, 99)}
    result.limits.update(hops_p50_ms=ms(sums[50]), hops_p99_ms=ms(sums[99]))
    for rate, took in latencies.items():
        result.add(
            Figure(
                f"p50 signup->email at {rate:g}/s",
                ms(percentile(took, 50)),
                "ms",
                ms(sums[50]),
                "sum of raw hop p50s",
                better="lower",
            )
        )
        result.add(
            Figure(
                f"p99 signup->email at {rate:g}/s",
                ms(percentile(took, 99)),
                "ms",
                ms(sums[99]),
                "sum of raw hop p99s",
                better="lower",
                goal_value=P99_GOAL_MS.get(rate),
            )
        )
    result.series["latency_curves"] = {
        f"signup->email at {rate:g}/s": [(q, ms(v)) for q, v in curve(took)]
        for rate, took in latencies.items()
    }
    return result
