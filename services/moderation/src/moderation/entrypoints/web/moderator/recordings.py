"""A recording's audio for the item page's player: to signed-in moderators who may see the item
(held and escalated ones to leads only), never cached, and gone once the item is decided. A voice
is personal data: each time it is served is in the security log (`personal-data-read`,
`recording`), as opening a connector's record is."""

from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from moderation.domain.security_log import Outcome, SecurityAction
from moderation.entrypoints.web.moderator.items import shown_to
from moderation.entrypoints.web.moderator.security import MeDep
from moderation.entrypoints.web.moderator.ui import ui_of
from moderation.handlers.security_log import record_security_event

router = APIRouter()


@router.get("/items/{item_id}/recording.wav")
async def recording(request: Request, item_id: UUID, me: MeDep) -> Response:
    await shown_to(request, me, item_id)
    ui = ui_of(request)
    audio = await ui.ctx.recordings.audio(item_id) if ui.ctx.recordings is not None else None
    if audio is None:
        return Response(status_code=status.HTTP_404_NOT_FOUND)
    await record_security_event(
        ui.accounts.security_log,
        at=ui.now(),
        actor=me.account,
        action=SecurityAction.PERSONAL_DATA_READ,
        target_id=item_id,
        outcome=Outcome.SUCCESS,
        detail="recording",
    )
    headers = {"Cache-Control": "no-store", "Content-Disposition": "inline"}
    return Response(audio, media_type="audio/wav", headers=headers)
