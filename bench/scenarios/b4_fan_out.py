"""B4 fan-out: M invitations (`match.proposed`) through notifications to the local SMTP sink.

notifications runs as a process with a daytime clock (quiet hours never hold an invitation back);
M contacts are written into its store with the documents its repository writes; M events are
published as matching's relay would. Figure: messages accepted by the sink per second, from the
first publish to the M-th message. Limit: raw aiosmtplib sends of messages of the same size over
as many connections at once as notifications is given (`CONNECTIONS`), to the same sink.
Beside it, the floor (`raw.mail_floor_rate`): the invitations' bodies through a FastStream
consumer configured as the services', making only the three delivery-log writes that sending
each message once needs, grouped as notifications groups them, and sending prebuilt emails of
the same size over the same connections: the most B4 could be here with a crash-safe log.
"""

import time
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from notifications.domain.contacts import Contact
from notifications.settings import Settings as NotificationsSettings
from together_contracts import Interest
from together_contracts.matches import EventSummary, MatchProposed, MatchProposedData

from bench import raw
from bench.context import RunContext, wait_while_progressing
from bench.mail import mail_sink
from bench.profiling import recording
from bench.results import Figure, ScenarioResult
from bench.scenarios.b3_matching import next_saturday_morning
from bench.stats import rate

PREFETCH: int = NotificationsSettings.model_fields["prefetch"].default
FLOOR_MESSAGES = 3000
"""The floor's sample of the invitations (its rate settles within a few hundred)."""
CONNECTIONS: int = NotificationsSettings.model_fields["smtp_connections"].default
"""NOTIFICATIONS_SMTP_CONNECTIONS for the run (its default), and the raw limit's connections."""


def contact_document(contact: Contact) -> dict[str, Any]:
    """What `MongoContactRepository.add` writes (through `AggregateCollection.insert`)."""
    document = {"_id": contact.person_id, **asdict(contact), "withdrawn": list(contact.withdrawn)}
    return {**document, "version": 1, "outbox": [], "outbox_pending": 0, "outbox_lease_until": 0.0}


def invitation(person_id: str, summary: EventSummary, n: int) -> MatchProposed:
    match_id = f"00000000-0000-4000-8000-{n:012d}"
    url = f"http://127.0.0.1:8003/r/bench{n}"
    return MatchProposed(
        producer="matching",
        correlation_id=f"bench-b4-{n}",
        data=MatchProposedData(
            match_id=match_id,
            person_id=person_id,
            event=summary,
            distance_km=2.1,
            reasons=["2.1 km away", "likes food and mutual aid", "free at weekends"],
            reasons_text="2.1 km away · likes food and mutual aid · free at weekends",
            respond_url=url,
            accept_url=f"{url}?answer=accept",
            decline_url=f"{url}?answer=decline",
        ),
    )


async def run(ctx: RunContext) -> ScenarioResult:
    p = ctx.params
    count = p.b4_messages
    result = ScenarioResult("B4", "Invitation fan-out")
    result.params = {"messages": count}
    people = ctx.population(4)
    registered = datetime.now(UTC) - timedelta(days=10)
    contacts = [
        Contact(
            person_id=str(people.uuid()),
            name=f"Bench Volunteer {n}",
            email=f"invite{n}.{ctx.stack.run_id}@bench.example.org",
            language="en",
            registered_event_id=str(people.uuid()),
            registered_at=registered,
        )
        for n in range(count)
    ]
    starts = next_saturday_morning(datetime.now(UTC))
    summary = EventSummary(
        event_id=people.uuid(),
        title="Community lunch at the hall",
        event_type=Interest.FOOD_AND_MUTUAL_AID,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        outward_code="CF10",
    )
    events = [invitation(c.person_id, summary, n) for n, c in enumerate(contacts)]
    database = ctx.stack.database("notifications_b4")
    client = raw.mongo_client(ctx.stack.mongodb_url)
    try:
        await client[database]["contacts"].insert_many([contact_document(c) for c in contacts])
        with mail_sink(ctx.work_dir / "mail-b4") as sink:
            notifications = ctx.stack.service(
                "notifications",
                database=database,
                daytime=True,
                NOTIFICATIONS_SMTP_HOST="127.0.0.1",
                NOTIFICATIONS_SMTP_PORT=str(sink.smtp_port),
                NOTIFICATIONS_SMTP_CONNECTIONS=str(CONNECTIONS),
            )
            notifications.wait_ready()
            folder = p.out / "profiles"
            with recording(notifications.pid, folder, "b4-notifications", enabled=p.profile):
                started = time.perf_counter()
                await raw.publish_events(ctx.stack.rabbitmq_url, events)
                await wait_while_progressing(lambda: len(sink.messages), count)
                finished = time.perf_counter()
            delivered = len(sink.messages)
            ctx.stack.stop(notifications)
            sizes = [len(bytes(m)) for m in sink.messages[:50]]
            size = sum(sizes) // max(1, len(sizes))
            limit = await raw.smtp_rate(sink.smtp_port, count, size=size, connections=CONNECTIONS)
            floor = await raw.mail_floor_rate(
                ctx.stack.rabbitmq_url,
                ctx.stack.mongodb_url,
                [event.model_dump_json().encode() for event in events[:FLOOR_MESSAGES]],
                smtp_port=sink.smtp_port,
                size=size,
                connections=CONNECTIONS,
                prefetch=PREFETCH,
            )
    finally:
        await client.drop_database(database)
        await client.close()
    result.limits = {
        "smtp_raw_per_s": limit,
        "message_bytes": float(size),
        "crash_safe_floor_per_s": floor,
    }
    result.add(
        Figure(
            "invitations/s",
            rate(delivered, finished - started),
            "/s",
            limit,
            f"raw aiosmtplib send, {CONNECTIONS} connection(s)",
            goal_ratio=0.5,
        )
    )
    result.add(
        Figure(
            "floor: FastStream + 3 grouped delivery-log writes + raw send, no service code",
            floor,
            "/s",
            limit,
            f"raw aiosmtplib send, {CONNECTIONS} connection(s)",
        )
    )
    if delivered < count:
        result.notes.append(f"only {delivered} of {count} invitations arrived in time")
    result.params["delivered"] = delivered
    return result
