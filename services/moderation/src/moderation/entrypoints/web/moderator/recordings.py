"""A recording's audio for the item page's player: to signed-in moderators who may see the item
(held and escalated ones to leads only), never cached, and gone once the item is decided."""

from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from moderation.entrypoints.web.moderator.items import shown_to
from moderation.entrypoints.web.moderator.security import MeDep
from moderation.entrypoints.web.moderator.ui import ui_of

router = APIRouter()


@router.get("/items/{item_id}/recording.wav")
async def recording(request: Request, item_id: UUID, me: MeDep) -> Response:
    await shown_to(request, me, item_id)
    store = ui_of(request).ctx.recordings
    audio = await store.audio(item_id) if store is not None else None
    if audio is None:
        return Response(status_code=status.HTTP_404_NOT_FOUND)
    headers = {"Cache-Control": "no-store", "Content-Disposition": "inline"}
    return Response(audio, media_type="audio/wav", headers=headers)
