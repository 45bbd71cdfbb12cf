"""Stories told by phone: a finished recording becomes a queue item of kind `recording`, once per
Twilio RecordingSid, waiting for a draft transcript where the recogniser knows the language
(English; handlers.drafts makes it after the webhook has answered).

The audio is kept apart from the item (`ctx.recordings`) and only until the item is decided: the
decision deletes it, and retention deletes an undecided recording, audio and item, after
`recording_retention_days`. Approved, the moderator's typed text is published as a story
(domain.items: `Item.approve`); the audio never is. The caller's number is never kept: only its
keyed digest (as `person.erasure_requested` carries it), so erasure by phone finds the recording.
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

import structlog

from moderation.domain import texts
from moderation.domain.items import Item, Kind, RecordingDetails
from moderation.domain.voice import WORDS, LineLanguage
from moderation.handlers.context import Context
from moderation.handlers.screening import earlier_sketches, screened

log = structlog.get_logger("moderation.recordings")
RECORDINGS = uuid.UUID("5f0c1a52-7a3e-4d8e-9b62-2d1c0f3e9a71")
"""The namespace of recordings' item ids (uuid5 of the RecordingSid): a repeated callback finds
the item it made before."""


class RecordingFetcher(Protocol):
    async def fetch(self, recording_url: str) -> bytes: ...


class Transcriber(Protocol):
    name: str

    async def draft(self, wav: bytes) -> str: ...


@dataclass(frozen=True)
class VoiceLine:
    """What the voice webhooks need besides the handlers' context (bootstrap builds it)."""

    auth_token: str
    account_sid: str
    public_base_url: str
    welsh_numbers: tuple[str, ...]
    fetcher: RecordingFetcher
    transcriber: Transcriber | None
    erasure_key: bytes


@dataclass(frozen=True)
class FinishedRecording:
    """What Twilio's `recording-status` callback (completed) says, without the caller's number."""

    recording_sid: str
    recording_url: str
    seconds: int
    language: LineLanguage
    caller_digest: str | None


def recording_item_id(recording_sid: str) -> uuid.UUID:
    return uuid.uuid5(RECORDINGS, recording_sid)


async def take_recording(recording: FinishedRecording, *, voice: VoiceLine, ctx: Context) -> bool:
    """Fetch and queue the recording; False if it was queued before (nothing changes). The audio
    is stored before the item, so a crash in between is mended by the next callback (its second
    store changes nothing). Drafting waits for a job of its own: a three-minute call takes the
    recogniser longer than Twilio waits for an answer (15 s)."""
    item_id = recording_item_id(recording.recording_sid)
    if ctx.recordings is None or await ctx.items.get(item_id) is not None:
        return False
    wav = await voice.fetcher.fetch(recording.recording_url)
    title = WORDS[recording.language].title
    details = RecordingDetails(
        prompt="lockdown",
        consent_to_publish=True,
        recording_sid=recording.recording_sid,
        seconds=recording.seconds,
        caller_digest=recording.caller_digest,
        draft_pending=voice.transcriber is not None and recording.language == "en",
    )
    earlier = await earlier_sketches(Kind.RECORDING, ctx)
    item = Item(
        kind=Kind.RECORDING,
        title=title,
        text="",
        region=texts.REGION,
        created_at=ctx.clock(),
        language=recording.language,
        details=details,
        screening=await screened(title=title, text="", earlier=earlier),
        id=item_id,
    )
    await ctx.recordings.keep(item_id, wav, at=item.created_at)
    added = await ctx.items.add(item, events=[])
    log.info("recording queued", item_id=str(item_id), seconds=recording.seconds)
    return added


async def forget_audio(item: Item, ctx: Context) -> None:
    """Once a recording is decided (or erased), its audio goes."""
    told_by_phone = item.kind is Kind.RECORDING or item.extra.get("told_by") == "phone"
    if told_by_phone and not item.open and ctx.recordings is not None:
        await ctx.recordings.forget(item.id)
