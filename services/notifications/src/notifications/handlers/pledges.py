"""Telling an organisation's contact what moderators decided about its pledge.

Moderation never sees the contact: notifications keeps it from `organisation.joined`, under the
organisation's id, and finds it again when `pledge.approved` or `pledge.rejected` arrives. An
organisation that joined before this was kept has no contact here and is not told.

Once signups shows an approved pledge (`pledge.published`) the contact is sent the signed link to
post progress (again whenever they ask: `pledge.progress_link_requested`) and told what
moderators decided about each update (`pledge.update_approved` / `pledge.update_rejected`), and
the districts the
pledge serves are kept beside connectors' so calls to action there reach the organisation too
(at most monthly per district, `notifications.handlers.connectors`); a pledge taken down
(`pledge.rejected`) is no longer told of calls.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

import structlog
from together_contracts import (
    IntegrationEvent,
    OrganisationJoined,
    PledgeApproved,
    PledgeProgressLinkRequested,
    PledgePublished,
    PledgeRejected,
    PledgeUpdateApproved,
    PledgeUpdateRejected,
)

from notifications.domain.contacts import Contact
from notifications.domain.messages import MessageRequest, Recipient
from notifications.handlers import delivery
from notifications.handlers.connectors import ask_of_open_calls
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.pledges")


async def record_organisation_contact(event: OrganisationJoined, ctx: Context) -> None:
    data = event.data
    await ctx.contacts.add(
        Contact(
            person_id=str(data.organisation_id),
            name=data.contact_name,
            email=data.contact_email,
            language=data.language,
            registered_event_id=str(event.id),
            registered_at=event.occurred_at,
        )
    )


async def tell_pledge_outcome(event: PledgeApproved | PledgeRejected, ctx: Context) -> None:
    data = event.data
    if isinstance(event, PledgeRejected) and ctx.connectors is not None:
        await ctx.connectors.forget(str(data.organisation_id))
    await _tell_contact(
        event,
        data.organisation_id,
        event.type.replace(".", "_"),
        lambda language: {
            "organisation": data.organisation_name,
            "reason": ctx.words.rejection(data.reason, language),
        },
        ctx,
    )


async def send_progress_link(
    event: PledgePublished | PledgeProgressLinkRequested, ctx: Context
) -> None:
    data = event.data
    await _tell_contact(
        event,
        data.organisation_id,
        "pledge_progress_link",
        lambda _: {
            "organisation": data.organisation_name,
            "progress_url": data.progress_url,
            "public_url": data.public_url,
        },
        ctx,
    )


async def keep_districts(event: PledgePublished, ctx: Context) -> None:
    """Keep the districts the pledge serves, and tell the organisation of calls open there."""
    if ctx.connectors is None:
        return
    data = event.data
    organisation_id = str(data.organisation_id)
    await ctx.connectors.keep(organisation_id, list(data.districts), organisation=True)
    await ask_of_open_calls(organisation_id, list(data.districts), event.correlation_id, ctx)


async def tell_update_outcome(
    event: PledgeUpdateApproved | PledgeUpdateRejected, ctx: Context
) -> None:
    data = event.data
    await _tell_contact(
        event,
        data.organisation_id,
        event.type.replace(".", "_"),
        lambda language: {"reason": ctx.words.rejection(data.reason, language)},
        ctx,
    )


async def _tell_contact(
    event: IntegrationEvent,
    organisation_id: UUID,
    template: str,
    context: Callable[[str], dict[str, Any]],
    ctx: Context,
) -> None:
    """Email the organisation's contact (`context` given their language); an organisation with no
    contact kept here is not told."""
    contact = await ctx.contacts.get(str(organisation_id))
    if contact is None:
        log.info("not told: no contact", template=template, organisation_id=str(organisation_id))
        return
    await delivery.request(
        MessageRequest(
            cause_event_id=str(event.id),
            template=template,
            recipient=Recipient(contact.email, contact.name, contact.language),
            context=context(contact.language),
            kind="requested",
            correlation_id=event.correlation_id,
        ),
        ctx,
    )
