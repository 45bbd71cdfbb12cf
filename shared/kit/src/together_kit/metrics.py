"""Prometheus metrics of one service, on a registry of its own (no module-level globals)."""

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.request_latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.consumed = Counter(
            "messages_consumed_total",
            "Messages taken from a queue, by outcome (processed, duplicate, retried, dead)",
            ["queue", "event_type", "outcome"],
            registry=self.registry,
        )
        self.published = Counter(
            "messages_published_total",
            "Events published by the outbox relay",
            ["event_type"],
            registry=self.registry,
        )
        self.failed = Counter(
            "messages_failed_total",
            "Handler failures (each retry counts)",
            ["queue", "event_type"],
            registry=self.registry,
        )
        self.shed = Counter(
            "http_requests_shed_total",
            "Requests refused with 503 because too many were in flight",
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "outbox_backlog", "Events written but not yet published", registry=self.registry
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
