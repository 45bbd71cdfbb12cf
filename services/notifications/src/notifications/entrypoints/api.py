"""The delivery log over JSON for support staff (admin key)."""

import re
from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from together_contracts import normalised_phone
from together_kit.http.security import ADMIN_KEY_RESPONSES

from notifications.domain.messages import Message
from notifications.entrypoints.dependencies import ContextDep
from notifications.handlers import Context

MAX_MESSAGES = 200
PHONE = re.compile(r"[+\d][\d\s\-().]{6,}")


class MessagePublic(BaseModel):
    id: str
    template: str
    channel: str
    kind: str
    language: str
    recipient: str
    person_id: str | None
    cause_event_id: str
    status: str
    reason: str
    attempts: int
    queued_at: datetime
    not_before: datetime | None = None
    sent_at: datetime | None = None
    failed_at: datetime | None = None
    receipt: str = ""
    """For a text: what its provider reported later (`delivered`, `failed`), or ""."""
    receipt_detail: str = ""


def public(message: Message) -> MessagePublic:
    return MessagePublic(
        id=message.key,
        template=message.template,
        channel=message.channel,
        kind=message.kind,
        language=message.language,
        recipient=message.recipient,
        person_id=message.person_id,
        cause_event_id=message.cause_event_id,
        status=message.status.value,
        reason=message.reason,
        attempts=message.attempts,
        queued_at=message.queued_at,
        not_before=message.not_before,
        sent_at=message.sent_at,
        failed_at=message.failed_at,
        receipt=message.receipt,
        receipt_detail=message.receipt_detail,
    )


async def messages_to(recipient: str, ctx: Context) -> list[Message]:
    """Messages to an address, or to a phone number (texts; any UK form of it)."""
    if PHONE.fullmatch(recipient.strip()):
        recipient = normalised_phone(recipient)
    digests = ctx.address_keys.digests(recipient)
    return await ctx.messages.for_recipient(digests, limit=MAX_MESSAGES)


def api_router(*, admin: Callable[..., None]) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["notifications"])

    @router.get("/messages", dependencies=[Depends(admin)], responses=ADMIN_KEY_RESPONSES)
    async def list_messages(
        ctx: ContextDep, recipient: str = Query(min_length=3, max_length=254)
    ) -> list[MessagePublic]:
        """Admin: what was sent to an address or phone number (or why not), newest first."""
        return [public(message) for message in await messages_to(recipient, ctx)]

    return router
