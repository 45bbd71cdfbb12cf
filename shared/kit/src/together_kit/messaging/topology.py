"""Every exchange and queue the system declares, in one place (docs/adr/0003-messaging.md).

Each consumer owns a durable quorum queue `<service>.<purpose>` bound to `together.events` by the
routing keys it needs. A failed message goes to `<service>.<purpose>.retry`, waits there for its
backoff (per-message TTL) and dead-letters back to its queue; after `max_attempts` it is published to
`<service>.dead` with the error in its headers. `x-delivery-limit` is the backstop for a message that
kills its consumer before the code can decide: RabbitMQ then dead-letters it to `<service>.dead`
itself, at least once (RabbitMQ 3.10 sets no delivery limit by default and drops dead letters
unless the strategy says otherwise).

Every move between a service's own queues (into `.retry` or `.dead`, back from `.retry`, a replay)
goes through the service's own direct exchange `<service>.direct`, to which each of its queues is
bound by its own name: it routes like the default exchange but reaches only that service's queues,
so a service needs no right on the default exchange (`amq.default`), which reaches every queue.
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from faststream.rabbit import ExchangeType, QueueType, RabbitExchange, RabbitQueue
from together_contracts import EXCHANGE

if TYPE_CHECKING:
    from faststream.rabbit.schemas.queue import QuorumQueueArgs

EVENTS = RabbitExchange(EXCHANGE, type=ExchangeType.TOPIC, durable=True)

_AT_LEAST_ONCE: dict[str, Any] = {
    "x-dead-letter-strategy": "at-least-once",
    "x-overflow": "reject-publish",
}


def _quorum_args(arguments: dict[str, Any]) -> "QuorumQueueArgs":
    """Every queue that dead-letters does so at least once (needs the `stream_queue` feature flag)."""
    return cast("QuorumQueueArgs", {**arguments, **_AT_LEAST_ONCE})


def dead_letter_queue_name(service: str) -> str:
    return f"{service}.dead"


def service_exchange(service: str) -> RabbitExchange:
    """`<service>.direct`: each of the service's queues is bound to it by the queue's name."""
    return RabbitExchange(f"{service}.direct", type=ExchangeType.DIRECT, durable=True)


@dataclass(frozen=True)
class BrokerPermissions:
    """A service's RabbitMQ permissions (regexes on exchange and queue names, in its vhost)."""

    configure: str
    write: str
    read: str


def broker_permissions(service: str) -> BrokerPermissions:
    """Least privilege for one service (deploy/k8s/engines grants exactly this): its own
    `<service>.*` queues and its exchange `<service>.direct` (which moves failed messages between
    its queues), and `together.events`, which every service declares, binds its queues to and
    publishes to. Nothing on the default exchange (`amq.default`), which reaches every queue."""
    own = rf"{re.escape(service)}\..*"
    events = re.escape(EXCHANGE)
    return BrokerPermissions(
        configure=f"^({events}|{own})$",
        write=f"^({events}|{own})$",
        read=f"^({events}|{own})$",
    )


@dataclass(frozen=True)
class ConsumerTopology:
    """The queues of one consumer: the queue it reads, its retry queue and its service's dead queue."""

    service: str
    purpose: str
    routing_keys: tuple[str, ...]
    delivery_limit: int

    @property
    def name(self) -> str:
        return f"{self.service}.{self.purpose}"

    @property
    def retry_name(self) -> str:
        return f"{self.name}.retry"

    @property
    def dead_name(self) -> str:
        return dead_letter_queue_name(self.service)

    @property
    def exchange(self) -> RabbitExchange:
        return service_exchange(self.service)

    def queues(self) -> list[RabbitQueue]:
        """Each routing key needs its own binding, so the main queue is listed once per key."""
        return [self.queue(key) for key in self.routing_keys]

    def queue(self, routing_key: str, *, declare: bool = True) -> RabbitQueue:
        """The main queue, bound to `together.events` by `routing_key`. Its subscriber takes it
        with `declare=False`: the runtime declares and binds it first (messaging.declaring)."""
        return RabbitQueue(
            self.name,
            queue_type=QueueType.QUORUM,
            durable=True,
            routing_key=routing_key,
            declare=declare,
            arguments=_quorum_args(
                {
                    "x-delivery-limit": self.delivery_limit,
                    "x-dead-letter-exchange": self.exchange.name,
                    "x-dead-letter-routing-key": self.dead_name,
                }
            ),
        )

    def retry_queue(self) -> RabbitQueue:
        return RabbitQueue(
            self.retry_name,
            queue_type=QueueType.QUORUM,
            durable=True,
            arguments=_quorum_args(
                {
                    "x-dead-letter-exchange": self.exchange.name,
                    "x-dead-letter-routing-key": self.name,
                }
            ),
        )

    def dead_queue(self) -> RabbitQueue:
        return dead_queue(self.service)


def dead_queue(service: str) -> RabbitQueue:
    return RabbitQueue(dead_letter_queue_name(service), queue_type=QueueType.QUORUM, durable=True)
