"""A service runs on a broker user holding only `broker_permissions(service)` (what
deploy/k8s/engines grants, with no right on the default exchange): it declares its topology,
consumes, retries, dead-letters and publishes to together.events, and `together dlq replay` works,
also on queues an earlier version declared to dead-letter through the default exchange; other
services' queues, the default exchange and other exchanges are refused."""

import re
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import aio_pika
import pytest
from aiormq.exceptions import ChannelAccessRefused
from together_kit.dev.stack import rabbitmqctl, vhost_of
from together_kit.messaging import deadletters
from together_kit.messaging.topology import EVENTS, broker_permissions
from together_kit.runtime import DELIVERY_LIMIT, ServiceRuntime
from together_kit.testing.consumers import counting_consumer
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import event_probe, publish_event, read_queue
from together_kit.testing.waiting import eventually

from .conftest import SettingsFactory

pytestmark = pytest.mark.integration


def as_user(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{quote(user)}:{quote(password)}@{parts.hostname}:{parts.port or 5672}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@pytest.fixture
def service_name() -> str:
    return f"svc{uuid.uuid4().hex[:8]}"


@pytest.fixture
def restricted_url(rabbitmq_url: str, service_name: str) -> Iterator[str]:
    """A broker user for `service_name` with exactly its permissions, in the tests' vhost."""
    if shutil.which("rabbitmqctl") is None or urlsplit(rabbitmq_url).hostname != "127.0.0.1":
        pytest.skip("needs the local broker's rabbitmqctl to add a user")
    user, password = f"{service_name}-user", uuid.uuid4().hex
    allowed = broker_permissions(service_name)
    rabbitmqctl("add_user", user, password)
    try:
        vhost = vhost_of(rabbitmq_url)
        rabbitmqctl(
            "set_permissions", "-p", vhost, user, allowed.configure, allowed.write, allowed.read
        )
        yield as_user(rabbitmq_url, user, password)
    finally:
        rabbitmqctl("delete_user", user)


@pytest.fixture
async def restricted_runtime(
    settings_for: SettingsFactory, service_name: str, restricted_url: str
) -> AsyncIterator[ServiceRuntime]:
    built = ServiceRuntime.build(
        settings_for(service_name=service_name, rabbitmq_url=restricted_url)
    )
    yield built
    await built.client.close()


def test_no_service_may_write_to_the_default_exchange(service_name: str) -> None:
    allowed = broker_permissions(service_name)
    for pattern in (allowed.configure, allowed.write, allowed.read):
        assert not re.search(pattern, "amq.default")
        assert re.search(pattern, f"{service_name}.direct")


async def test_a_service_works_with_only_its_own_permissions(
    restricted_runtime: ServiceRuntime, rabbitmq_url: str, restricted_url: str, service_name: str
) -> None:
    await _failure_retry_dead_letter_and_replay(
        restricted_runtime, rabbitmq_url, restricted_url, service_name
    )


async def test_queues_an_earlier_version_declared_keep_working_with_only_those_permissions(
    restricted_runtime: ServiceRuntime, rabbitmq_url: str, restricted_url: str, service_name: str
) -> None:
    """Queues that dead-letter through the default exchange (declared, as before, by a user
    allowed to) cannot take new arguments; the service keeps them, and RabbitMQ still moves
    messages out of them, so the cycle works on them too."""
    main = f"{service_name}.volunteers"
    at_least_once = {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}
    earlier: dict[str, dict[str, object]] = {
        main: {
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": f"{service_name}.dead",
            **at_least_once,
        },
        f"{main}.retry": {
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": main,
            **at_least_once,
        },
    }
    await _declare_as_admin(rabbitmq_url, earlier)
    await _failure_retry_dead_letter_and_replay(
        restricted_runtime, rabbitmq_url, restricted_url, service_name
    )
    await _declare_as_admin(rabbitmq_url, earlier)  # the same arguments: still the earlier queues


async def _declare_as_admin(url: str, queues: dict[str, dict[str, object]]) -> None:
    admin = await aio_pika.connect(url)
    try:
        channel = await admin.channel()
        for name, arguments in queues.items():
            await channel.declare_queue(
                name, durable=True, arguments={"x-queue-type": "quorum", **arguments}
            )
    finally:
        await admin.close()


async def _failure_retry_dead_letter_and_replay(
    runtime: ServiceRuntime, rabbitmq_url: str, restricted_url: str, service_name: str
) -> None:
    effects = counting_consumer(runtime, fail_first=1)
    async with runtime.running(), event_probe(rabbitmq_url, ["least.privilege"]) as probe:
        await publish_event(rabbitmq_url, volunteer_registered(name="Retried"))
        await eventually(lambda: _now(effects["Retried"]), what="processed after a retry")
        await publish_event(rabbitmq_url, volunteer_registered(), body=b"not an event")
        await eventually(lambda: _now(_consumed(runtime, "dead")), what="dead-lettered")
        await runtime.broker.publish(b"{}", exchange=EVENTS, routing_key="least.privilege")
        await probe.wait_for(1)
    replayed = await deadletters.replay(restricted_url, service_name, None)
    assert effects["failures"] == 1
    assert replayed == 1
    [back] = await read_queue(rabbitmq_url, f"{service_name}.volunteers")
    assert back.body == b"not an event"


async def _now(value: int) -> int:
    return value


def _consumed(runtime: ServiceRuntime, outcome: str) -> int:
    return int(
        sum(
            sample.value
            for metric in runtime.metrics.consumed.collect()
            for sample in metric.samples
            if sample.name.endswith("_total") and sample.labels.get("outcome") == outcome
        )
    )


async def test_other_queues_and_exchanges_are_refused(
    restricted_runtime: ServiceRuntime, rabbitmq_url: str, restricted_url: str, service_name: str
) -> None:
    other = f"other{service_name}.stories"
    async with restricted_runtime.running():
        admin = await aio_pika.connect(rabbitmq_url)
        connection = await aio_pika.connect(restricted_url)
        try:
            await (await admin.channel()).declare_queue(other, auto_delete=True)
            own = await (await connection.channel()).get_queue(f"{service_name}.dead")
            assert own.name == f"{service_name}.dead"
            with pytest.raises(ChannelAccessRefused):
                await (await connection.channel()).declare_queue(f"other{service_name}.new")
            stranger = await (await connection.channel()).get_queue(other, ensure=False)
            with pytest.raises(ChannelAccessRefused):
                await stranger.get(fail=False)
            topic = await (await connection.channel()).get_exchange("amq.topic", ensure=False)
            with pytest.raises(ChannelAccessRefused):
                await topic.publish(aio_pika.Message(b"x"), routing_key="story.approved")
            default = (await connection.channel()).default_exchange
            with pytest.raises(ChannelAccessRefused):
                await default.publish(aio_pika.Message(b"x"), routing_key=f"{service_name}.dead")
            with pytest.raises(ChannelAccessRefused):
                await (await connection.channel()).declare_queue(
                    f"{service_name}.old-style",
                    durable=True,
                    arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": "x"},
                )
        finally:
            await connection.close()
            await admin.close()
