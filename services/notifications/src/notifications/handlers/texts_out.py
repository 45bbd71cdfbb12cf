"""The one way anything in notifications texts anyone: `queue_text` records a text in the
delivery log, and the dispatcher sends it through the `sms` channel like any message.

Never two for one cause, number and template, whatever redelivery: the message's key is made of
the three (domain.messages.message_key), so a second request finds the first recorded. A number
suppressed for texts (STOP: `texts-stopped`, or a number the provider reported dead) gets the
text recorded as `suppressed`, never sent. With no SMS provider nothing is recorded.
"""

import uuid
from collections.abc import Mapping

import structlog
from together_contracts import normalised_phone

from notifications.domain.contacts import SMS
from notifications.domain.messages import MessageRequest, Recipient
from notifications.handlers import delivery
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.texts_out")
CAUSES = uuid.UUID("8f7c2d5e-1b9a-4e36-a0c4-5d2f9e7b1a63")
"""Namespace of the cause ids made for causes that are not UUIDs (a provider's message id)."""


async def queue_text(
    ctx: Context,
    *,
    to: str,
    template: str,
    language: str,
    values: Mapping[str, object],
    cause_id: str,
    kind: str,
    person_id: str | None = None,
) -> None:
    """Record one text of `templates/sms/<language>/<template>.txt` rendered with `values`, to
    `to` (any UK form of the number), because of `cause_id` (an event's id, or any id of the
    cause: a provider's id of an inbound text), of `kind` (`transactional` replies are sent
    even to a number that unsubscribed from invitations, never to one that sent STOP)."""
    if SMS not in ctx.channels:
        log.info("no SMS provider: text not recorded", template=template, cause_id=cause_id)
        return
    cause = cause_event_id(cause_id)
    await delivery.request(
        MessageRequest(
            cause_event_id=cause,
            template=template,
            recipient=Recipient(normalised_phone(to), "", language, person_id),
            context=dict(values),
            channel=SMS,
            kind=kind,
            correlation_id=cause_id,
        ),
        ctx,
    )


def cause_event_id(cause_id: str) -> str:
    """The cause as the delivery log keeps it: a UUID (its `notification.sent` names it)."""
    try:
        return str(uuid.UUID(cause_id))
    except ValueError:
        return str(uuid.uuid5(CAUSES, cause_id))
