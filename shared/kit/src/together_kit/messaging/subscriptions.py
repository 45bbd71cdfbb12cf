"""Who reacts to what, declared as a table: one consumer queue per table, one dispatch for all.

A service lists its subscriptions as data, so "who handles `volunteer.registered`?" is one grep:

    subscribe(runtime, "volunteers", {
        VolunteerRegistered: [people.record_registration, messages.confirm_registration],
        VolunteerConfirmed: [people.record_confirmation, messages.welcome_volunteer],
    }, ctx=ctx, about="Keep volunteers' contact details; confirm and welcome them.")

Every handler takes `(event, ctx)`. The handlers of one event run in the order listed, all inside
the consumer guard (inbox, retries, dead letters), so a failure in any of them retries the event.
Where one step feeds the next (a listing is published, then matched), the table says so with
`then(first, second)`: `second(result, ctx)` runs only when `first` returns something other than
`None`.

A handler whose one write is keyed by the event id (an insert with the id as key, or an upsert
whose filter excludes documents that already carry it) is listed as `keyed(handler)`: a
redelivery's write finds the work done, so the consumer guard keeps no separate inbox record
for an event type all of whose handlers are keyed (two store round trips fewer per event). The
handler may raise `AlreadyHandled` when it finds its work done, to be counted as a duplicate.

The consumer's queue binds the routing keys of the table's event types; the body is validated as
the discriminated union of those types (`consuming.validating`), which is also how the AsyncAPI
document names each one.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, Union

from pydantic import Field
from together_contracts import IntegrationEvent

from together_kit.messaging.consuming import Consumer

Handler = Callable[[Any, Any], Awaitable[object]]


class Consumers(Protocol):
    """Where a subscription gets its consumer queue (`ServiceRuntime.consumer`)."""

    def consumer(
        self, purpose: str, routing_keys: Sequence[str], *, keyed: Sequence[str] = ()
    ) -> Consumer: ...


@dataclass(frozen=True)
class Then:
    """`first(event, ctx)`, then `second(result, ctx)` when the result is not `None`."""

    first: Handler
    second: Handler

    async def __call__(self, event: Any, ctx: Any) -> object:
        result = await self.first(event, ctx)
        if result is None:
            return None
        return await self.second(result, ctx)

    @property
    def __name__(self) -> str:
        return f"{_name(self.first)} then {_name(self.second)}"


def then(first: Handler, second: Handler) -> Then:
    return Then(first, second)


@dataclass(frozen=True)
class Keyed:
    """A handler whose write is keyed by the event id: its own inbox (module docstring)."""

    handler: Handler

    async def __call__(self, event: Any, ctx: Any) -> object:
        return await self.handler(event, ctx)

    @property
    def __name__(self) -> str:
        return _name(self.handler)


def keyed(handler: Handler) -> Keyed:
    return Keyed(handler)


Table = Mapping[type[IntegrationEvent], Sequence[Handler]]


async def dispatch(table: Table, event: IntegrationEvent, ctx: Any) -> None:
    """Run the handlers listed for the event's exact type (contracts do not subclass events)."""
    for handler in table.get(type(event), ()):
        await handler(event, ctx)


def event_model(table: Table) -> Any:
    """The type the body is validated against: the one model, or their union by `type`."""
    models = tuple(table)
    if not models:
        raise ValueError("a subscription table needs at least one event type")
    if len(models) == 1:
        return models[0]
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


def subscribe(runtime: Consumers, purpose: str, table: Table, *, ctx: Any, about: str) -> None:
    """Declare the consumer `<service>.<purpose>` for the table's events and dispatch each one."""
    consumer = runtime.consumer(
        purpose,
        [model.routing_key for model in table],
        keyed=[
            model.routing_key
            for model, handlers in table.items()
            if handlers and all(isinstance(handler, Keyed) for handler in handlers)
        ],
    )

    async def on_event(event: Any) -> None:
        await dispatch(table, event, ctx)

    on_event.__annotations__["event"] = event_model(table)
    on_event.__name__ = on_event.__qualname__ = f"on_{purpose}"
    on_event.__doc__ = about
    consumer.subscriber()(on_event)


def describe(table: Table) -> dict[str, list[str]]:
    """`{routing key: [handler names]}`, for docs and for tests that read the table."""
    return {
        model.routing_key: [_name(handler) for handler in handlers]
        for model, handlers in table.items()
    }


def _name(handler: Handler) -> str:
    module = getattr(handler, "__module__", "")
    name = getattr(handler, "__name__", repr(handler))
    return (
        f"{module.rsplit('.', 1)[-1]}.{name}"
        if module and not isinstance(handler, Then | Keyed)
        else name
    )
