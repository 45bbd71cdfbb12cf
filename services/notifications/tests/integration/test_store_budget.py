"""Store commands per confirmation email, counted (issue 20): from `volunteer.registered` to the
email at the SMTP server and `notification.sent` published, with the outbox empty again."""

import asyncio
import uuid
from collections.abc import Callable

import aio_pika
import pytest
from notifications.bootstrap import create_app
from notifications.settings import Settings
from together_contracts import VolunteerRegistered, VolunteerRegisteredData
from together_contracts.notifications import NotificationSent
from together_kit.messaging.topology import EVENTS
from together_kit.runtime import ServiceRuntime
from together_kit.testing.commands import counting
from together_kit.testing.probe import event_probe
from together_kit.testing.waiting import eventually

from .conftest import Sink, unique_address

pytestmark = [pytest.mark.integration, pytest.mark.budget]

EMAILS = 40
GOAL = 5
"""Issue 20's goal, asserted. Measured 2.9 to 3.1 on an idle machine and 3.4 to 3.6 with both
cores busy (11 before issue 20; 5.0 to 5.5 under load before the dispatcher claimed due messages
together). The consumer handles up to `prefetch` events at once, and the inserts (contact,
message), suppression lookups, hand-over marks, outcomes and outbox removals asked for together
share one command each; the dispatcher claims up to `sending.CLAIMED_AHEAD` due messages in one
write and reads their suppressions in one query. How many share one depends on how many arrive
together: a single email alone costs 6."""
OPERATION = "a confirmation email from volunteer.registered to notification.sent"
POLL_AS_DEPLOYED = Settings.model_fields["dispatch_poll_seconds"].default
"""The dispatcher's backstop poll as deployed (other tests poll ten times a second)."""


def registered(address: str) -> VolunteerRegistered:
    return VolunteerRegistered(
        producer="signups",
        correlation_id=f"budget-{uuid.uuid4().hex[:8]}",
        data=VolunteerRegisteredData(
            person_id=uuid.uuid4(),
            name="Bethan Evans",
            email=address,
            confirm_url=f"https://join.example/confirm/{uuid.uuid4().hex}",
        ),
    )


async def publish_all(url: str, events: list[VolunteerRegistered]) -> None:
    """Published over one connection with confirms, as signups' outbox publishes them."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(EVENTS.name)
        await asyncio.gather(
            *(
                exchange.publish(
                    aio_pika.Message(
                        event.model_dump_json().encode(),
                        message_id=str(event.id),
                        type=event.type,
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    routing_key=event.type,
                )
                for event in events
            )
        )
    finally:
        await connection.close()


async def test_a_confirmation_email_costs_at_most_five_store_commands(
    settings_for: Callable[..., Settings], smtp_sink: Sink, rabbitmq_url: str
) -> None:
    settings = settings_for(dispatch_poll_seconds=POLL_AS_DEPLOYED)
    app = create_app(settings)
    runtime: ServiceRuntime = app.state.runtime
    joined = [registered(unique_address("budget")) for _ in range(EMAILS)]
    addresses = {str(event.data.email) for event in joined}
    async with (
        event_probe(rabbitmq_url, [NotificationSent.routing_key]) as probe,
        app.router.lifespan_context(app),
    ):
        await asyncio.sleep(0.5)  # the start-up sweeps and reconciling are not the emails' cost
        with counting(settings.mongodb_database) as counted:
            await publish_all(rabbitmq_url, joined)

            async def mailed() -> int:
                return sum(1 for m in smtp_sink.handler.received if str(m["To"]) in addresses)

            await eventually(mailed, until=lambda n: n == EMAILS, what="every confirmation")
            await probe.wait_for(EMAILS)
            await eventually(runtime.relay.backlog, until=lambda n: n == 0, what="an empty outbox")
    per_email = counted.record(OPERATION, operations=EMAILS, goal=GOAL)
    print(f"\n{per_email:.2f} commands per email: {dict(sorted(counted.by_command.items()))}")
    causes = {event["data"]["cause_event_id"] for event in probe.events}
    assert causes == {str(event.id) for event in joined}
    assert per_email <= GOAL, dict(counted.by_command)
