"""A consumer for the kit's own tests whose effect is deliberately not idempotent, so a duplicate
would show in its counts, and whose handler can be made to fail on demand."""

from collections import Counter
from collections.abc import Callable

from together_contracts import VolunteerRegistered

from together_kit.runtime import ServiceRuntime


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
