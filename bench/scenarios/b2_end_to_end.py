"""B2 end to end at a steady rate: signup -> confirmation email accepted by the SMTP sink.

signups and notifications run as processes (notifications with a daytime clock); requests are
started at a fixed rate (open loop) and each one's latency runs from the moment it was due to the
moment the sink accepted the email to its address. Limit: the sum of the raw hops one signup
takes (HTTP round trip, insert, confirmed publish, broker-to-consumer, SMTP send), each timed one
at a time in the same run; p50 against the sum of the hops' p50s, p99 against their p99s.
"""

import json

from bench import raw
from bench.context import RunContext, wait_while_progressing
from bench.loadgen import closed_loop, open_loop, post_request
from bench.mail import mail_sink
from bench.results import Figure, ScenarioResult
from bench.scenarios.b1_signup_surge import PATH, copies, person_template
from bench.stats import curve, ms, percentile

MESSAGE_BYTES = 1500


async def run(ctx: RunContext) -> ScenarioResult:
    p = ctx.params
    result = ScenarioResult("B2", "End to end at a steady rate")
    people = ctx.population(2)
    count = int(p.b2_rate * p.b2_seconds)
    bodies = list(people.signups(count, run=f"{ctx.stack.run_id}b2"))
    emails = [str(b["email"]).lower() for b in bodies]
    payloads = [json.dumps(b).encode() for b in bodies]
    result.params = {"rate_per_s": p.b2_rate, "seconds": p.b2_seconds, "signups": count}

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
        load = await open_loop(
            host,
            port,
            lambda i: post_request(host, port, PATH, payloads[i]),
            rate=p.b2_rate,
            seconds=p.b2_seconds,
        )
        await wait_while_progressing(lambda: len(sink.messages), count)
        in_order = sorted(load.outcomes, key=lambda o: o.due)
        due = {emails[i]: o.due for i, o in enumerate(in_order)}
        accepted = {emails[i] for i, o in enumerate(in_order) if 200 <= o.status < 300}
        latencies = [sink.arrived[e] - due[e] for e in emails if e in sink.arrived and e in due]
        template = await person_template(ctx.stack.mongodb_url, ctx.stack.database("signups"))
        ctx.stack.stop_all()

        with raw.bare_app(ctx.work_dir / "logs") as bare:
            requests = [post_request(host, bare.port, PATH, b) for b in payloads[: p.hop_samples]]
            http = (await closed_loop(host, bare.port, requests, concurrency=1)).latencies()
        event = json.dumps({"data": bodies[0]}).encode()
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
    result.add(
        Figure(
            "p50 signup->email",
            ms(percentile(latencies, 50)),
            "ms",
            ms(sums[50]),
            "sum of raw hop p50s",
            better="lower",
            goal_ratio=2.0,
        )
    )
    result.add(
        Figure(
            "p99 signup->email",
            ms(percentile(latencies, 99)),
            "ms",
            ms(sums[99]),
            "sum of raw hop p99s",
            better="lower",
            goal_value=250.0,
        )
    )
    result.series["latency_curves"] = {"signup->email": [(q, ms(v)) for q, v in curve(latencies)]}
    missing = len(accepted - set(sink.arrived))
    result.params.update(
        emails=len(latencies), not_2xx=len(load.outcomes) - len(accepted), missing=missing
    )
    if missing:
        result.notes.append(
            f"{missing} of {len(accepted)} accepted signups' confirmation emails did not arrive"
            " in time"
        )
    if len(accepted) < count:
        result.notes.append(
            f"{count - len(accepted)} of {count} signups were not accepted (not 2xx)"
        )
    return result
