"""A consumer for the kit's own tests whose effect is deliberately not idempotent, so a duplicate
would show in its counts, and whose handler can be made to fail on demand."""

from collections import Counter
from collections.abc import Callable

from together_contracts import VolunteerRegistered

from together_kit.messaging.deadletters import list_dead
from together_kit.runtime import ServiceRuntime
from together_kit.testing.events import volunteer_registered
from together_kit.testing.probe import publish_event
from together_kit.testing.waiting import eventually


def counting_consumer(
    runtime: ServiceRuntime,
    *,
    fail_first: int = 0,
    fail_while: Callable[[], bool] = lambda: False,
) -> Counter[str]:
    """Count each `volunteer.registered` by name; raise for the first `fail_first` deliveries and
    whenever `fail_while()` holds, counting those under "failures"."""
    effects: Counter[str] = Counter()
    consumer = runtime.consumer("volunteers", [VolunteerRegistered.routing_key])

    @consumer.subscriber()
    async def on_volunteer_registered(event: VolunteerRegistered) -> None:
        if fail_while() or effects["failures"] < fail_first:
            effects["failures"] += 1
            raise RuntimeError("handler failed on purpose")
        effects[event.data.name] += 1

    return effects


async def processed(effects: Counter[str], name: str) -> None:
    """Wait until the counting consumer has counted an event about `name`."""

    async def count() -> int:
        return effects[name]

    await eventually(count, what=f"{name} processed")


async def nothing_left_dead(url: str, service: str, effects: Counter[str]) -> None:
    """A marker event published now is processed, and then `service` has no dead letter left."""
    await publish_event(url, volunteer_registered(name="Marker"))
    await processed(effects, "Marker")
    assert await list_dead(url, service) == []
