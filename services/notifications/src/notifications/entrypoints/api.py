"""The delivery log over JSON for support staff (admin key)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from together_kit.security import ADMIN_KEY_RESPONSES

from notifications.entrypoints.dependencies import ContextDep
from notifications.handlers import Context

MAX_MESSAGES = 200


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


def public(document: dict[str, Any]) -> MessagePublic:
    return MessagePublic(
        id=document["_id"],
        template=document["template"],
        channel=document["channel"],
        kind=document["kind"],
        language=document["language"],
        recipient=document.get("recipient", ""),
        person_id=document.get("person_id"),
        cause_event_id=document["cause_event_id"],
        status=document["status"],
        reason=document.get("reason", ""),
        attempts=document.get("attempts", 0),
        queued_at=document["queued_at"],
        not_before=document.get("not_before"),
        sent_at=document.get("sent_at"),
        failed_at=document.get("failed_at"),
    )


async def messages_to(recipient: str, ctx: Context) -> list[dict[str, Any]]:
    digests = ctx.address_keys.digests(recipient)
    return await ctx.messages.for_recipient(digests, limit=MAX_MESSAGES)


def api_router(*, admin: Callable[..., None]) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["notifications"])

    @router.get("/messages", dependencies=[Depends(admin)], responses=ADMIN_KEY_RESPONSES)
    async def list_messages(
        ctx: ContextDep, recipient: str = Query(min_length=3, max_length=254)
    ) -> list[MessagePublic]:
        """Admin: what was sent to an address (or why not), newest first."""
        return [public(document) for document in await messages_to(recipient, ctx)]

    return router
