"""Telling a community connector each step of their path (`connector.moved`, from moderation's
coordinators): welcome, the welcome call's time, trained, active in their districts (with the
districts' pages), paused or stepped down; and, while active, each call to action opened in one
of their districts (`call.opened`, from matching), at most once a month per district. The
connector is a volunteer: their contact is the one kept from `volunteer.registered`; someone with
none here is not told. Organisations whose published pledge serves a district are told of its
calls the same way (`notifications.handlers.pledges`), under their contact from
`organisation.joined`."""

from datetime import timedelta
from typing import Any

import structlog
from together_contracts import CallClosed, CallOpened, CallOpenedData
from together_contracts.connectors import ConnectorMoved, ConnectorState

from notifications.domain.messages import MessageRequest, Recipient
from notifications.handlers import delivery
from notifications.handlers.context import Context
from notifications.handlers.when import spoken, staff_time

log = structlog.get_logger("notifications.connectors")
VOLUNTEERING = "volunteering"
"""The kind of both messages: about what they volunteered for, so an unsubscribe stops them (but
no quiet hours or weekly cap: the monthly rule below is calls' own cap)."""
CALLS_AT_MOST_EVERY = timedelta(days=30)
"""A connector hears of calls in one district at most this often."""


async def tell_connector(event: ConnectorMoved, ctx: Context) -> None:
    data = event.data
    districts = list(data.districts) if data.state is ConnectorState.ACTIVE else []
    if ctx.connectors is not None and not await ctx.connectors.keep(
        str(data.person_id), districts, as_of=data.moved_at
    ):
        districts = []  # an older step than the one kept: its districts are not theirs now
    contact = await ctx.contacts.get(str(data.person_id))
    if contact is None:
        log.info("connector step not told: no contact", person_id=str(data.person_id))
        return
    language = contact.language
    await delivery.request(
        MessageRequest(
            cause_event_id=str(event.id),
            template="connector_moved",
            kind=VOLUNTEERING,
            recipient=Recipient(contact.email, contact.name, language, str(data.person_id)),
            context={
                "state": data.state.value,
                "changed_districts": data.previous is data.state,
                "districts": [
                    {"code": code, "url": f"{ctx.districts_url}/{code}"} for code in data.districts
                ],
                "call_at": staff_time(data.call_at, language) if data.call_at else "",
            },
            correlation_id=event.correlation_id,
        ),
        ctx,
    )
    await ask_of_open_calls(str(data.person_id), districts, event.correlation_id, ctx)


async def tell_call(event: CallOpened, ctx: Context) -> None:
    """Keep the open call, and ask the district's active connectors to put an event on."""
    if ctx.connectors is None:
        return
    await ctx.connectors.call_opened(event.data, str(event.id))
    for kept in await ctx.connectors.active_in(event.data.outward_code):
        await _ask(kept, event.data, str(event.id), event.correlation_id, ctx)


async def forget_call(event: CallClosed, ctx: Context) -> None:
    if ctx.connectors is not None:
        await ctx.connectors.call_closed(str(event.data.call_id))


async def ask_of_open_calls(
    kept_id: str, districts: list[str], correlation_id: str, ctx: Context
) -> None:
    """Tell one connector (or organisation) just kept in `districts` of the calls open there."""
    if ctx.connectors is None or not districts:
        return
    for cause, call in await ctx.connectors.open_calls_in(districts):
        for kept in await ctx.connectors.active_in(call.outward_code):
            if kept["person_id"] == kept_id:
                await _ask(kept, call, cause, correlation_id, ctx)


async def _ask(
    kept: dict[str, Any], call: CallOpenedData, cause: str, correlation_id: str, ctx: Context
) -> None:
    """Ask one active connector about one call, unless told of a call there this month. The
    request is keyed by the call's event and the address, so a redelivery sends nothing twice;
    the month's mark comes after it, so a crash in between still tells them once."""
    if ctx.connectors is None:
        return
    now = ctx.clock()
    last = kept.get("last_call_told_at")
    if last is not None and now - last < CALLS_AT_MOST_EVERY:
        return
    person_id = kept["person_id"]
    contact = await ctx.contacts.get(person_id)
    if contact is None:
        return
    await delivery.request(
        MessageRequest(
            cause_event_id=cause,
            template="call_opened",
            kind=VOLUNTEERING,
            recipient=Recipient(contact.email, contact.name, contact.language, person_id),
            context={
                "organisation": bool(kept.get("organisation")),
                "district": call.outward_code,
                "volunteers": call.volunteers,
                "reach_km": f"{call.reach_km:g}",
                "since": spoken(call.gap_since, contact.language),
                "district_url": f"{ctx.districts_url}/{call.outward_code}",
                "list_url": f"{ctx.events_url}/new?postcode={call.outward_code}",
            },
            correlation_id=correlation_id,
        ),
        ctx,
    )
    await ctx.connectors.told(person_id, call.outward_code, now)
