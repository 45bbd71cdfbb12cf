"""Publishing a stored envelope to `together.events`: the relay's only way out."""

from dataclasses import dataclass
from typing import Any

from faststream.rabbit import RabbitBroker

from together_kit.messaging.topology import EVENTS
from together_kit.metrics import Metrics


@dataclass(frozen=True)
class EventPublisher:
    """AMQP properties mirror the envelope, so consumers bind context before parsing the body."""

    broker: RabbitBroker
    metrics: Metrics

    async def __call__(self, event: dict[str, Any]) -> None:
        await self.broker.publish(
            event,
            exchange=EVENTS,
            routing_key=event["type"],
            message_id=event["id"],
            correlation_id=event["correlation_id"],
            message_type=event["type"],
            content_type="application/json",
            headers={"x-event-version": event["version"], "x-producer": event["producer"]},
            persist=True,
            mandatory=False,
        )
        self.metrics.published.labels(event["type"]).inc()
