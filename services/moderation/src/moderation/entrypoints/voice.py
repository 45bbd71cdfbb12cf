"""The voice line's Twilio webhooks (on when `MODERATION_VOICE_ENABLED`; 404 otherwise).

`POST /voice/incoming` answers TwiML: the greeting and prompt in English, or Welsh on a Welsh line
(`?lang=cy`, or a number in `MODERATION_VOICE_WELSH_NUMBERS`), then a `<Record>` of at most three
minutes. `POST /voice/recorded` (the recording's action) thanks the caller and hangs up.
`POST /voice/recording-status` (completed) fetches the recording and queues it, once per
RecordingSid. Every request must carry Twilio's signature over the public URL it was sent to
(`MODERATION_PUBLIC_BASE_URL` and the path and query) and its form: 403 otherwise, before anything
is read or stored. The caller's number (`From`) is never stored or logged: the greeting turns it
into its keyed digest (as `person.erasure_requested` carries it), which rides in the signed
callback URLs to the recording, so erasure by phone finds it.
"""

import re
from typing import Annotated
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import Response
from together_contracts import phone_digest
from together_kit.twilio import signed_by_twilio

from moderation.domain.voice import (
    MAX_RECORDING_SECONDS,
    WORDS,
    LineLanguage,
    RecordingFetchError,
    line_language,
)
from moderation.handlers.context import Context
from moderation.handlers.recordings import FinishedRecording, VoiceLine, take_recording

TWIML = "application/xml"
DIGEST = re.compile(r"[0-9a-f]{64}")
router = APIRouter(prefix="/voice", include_in_schema=False)


def voice_of(request: Request) -> VoiceLine:
    voice: VoiceLine | None = getattr(request.app.state, "voice", None)
    if voice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return voice


async def from_twilio(request: Request) -> dict[str, str]:
    """The webhook's form, once its `X-Twilio-Signature` is Twilio's (403 otherwise)."""
    voice = voice_of(request)
    form = await request.form()
    params = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    url = voice.public_base_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    signature = request.headers.get("x-twilio-signature", "")
    if not signed_by_twilio(voice.auth_token, url=url, params=params, signature=signature):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This request is not signed by Twilio.")
    if form.get("AccountSid") != voice.account_sid:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This call is for another account.")
    return dict(params)


TwilioForm = Annotated[dict[str, str], Depends(from_twilio)]


def language_of(request: Request, form: dict[str, str]) -> LineLanguage:
    return line_language(
        asked=request.query_params.get("lang"),
        called=form.get("To", ""),
        welsh_numbers=voice_of(request).welsh_numbers,
    )


def twiml(response: ET.Element) -> Response:
    body = ET.tostring(response, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=TWIML)


def say(parent: ET.Element, language: LineLanguage, text: str) -> None:
    words = WORDS[language]
    ET.SubElement(parent, "Say", language=words.language, voice=words.voice).text = text


@router.post("/incoming")
async def incoming(request: Request, form: TwilioForm) -> Response:
    """The greeting and prompt, then a recording of at most three minutes (any key ends it)."""
    language = language_of(request, form)
    voice = voice_of(request)
    base = voice.public_base_url.rstrip("/") + "/voice"
    caller = form.get("From", "")
    about = {"lang": language} | (
        {"caller": phone_digest(caller, key=voice.erasure_key)} if caller else {}
    )
    query = "?" + urlencode(about)
    response = ET.Element("Response")
    say(response, language, WORDS[language].greeting)
    ET.SubElement(
        response,
        "Record",
        maxLength=str(MAX_RECORDING_SECONDS),
        playBeep="true",
        finishOnKey="1234567890*#",
        action=f"{base}/recorded{query}",
        method="POST",
        recordingStatusCallback=f"{base}/recording-status{query}",
        recordingStatusCallbackMethod="POST",
        recordingStatusCallbackEvent="completed",
    )
    say(response, language, WORDS[language].nothing_heard)
    ET.SubElement(response, "Hangup")
    return twiml(response)


@router.post("/recorded")
async def recorded(request: Request, form: TwilioForm) -> Response:
    """The recording's end: thank the caller and hang up."""
    language = language_of(request, form)
    response = ET.Element("Response")
    say(response, language, WORDS[language].thanks)
    ET.SubElement(response, "Hangup")
    return twiml(response)


@router.post("/recording-status", status_code=status.HTTP_204_NO_CONTENT)
async def recording_status(request: Request, form: TwilioForm) -> Response:
    """A finished recording: fetched and queued once (a repeated callback changes nothing). Any
    other status (`absent`, `failed`) is acknowledged and ignored."""
    voice = voice_of(request)
    sid, url = form.get("RecordingSid", ""), form.get("RecordingUrl", "")
    if form.get("RecordingStatus", "completed") != "completed":
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    if not sid or not url:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "RecordingSid and RecordingUrl")
    caller = request.query_params.get("caller", "")
    recording = FinishedRecording(
        recording_sid=sid,
        recording_url=url,
        seconds=int(duration) if (duration := form.get("RecordingDuration", "")).isdigit() else 0,
        language=language_of(request, form),
        caller_digest=caller if DIGEST.fullmatch(caller) else None,
    )
    ctx: Context = request.app.state.context
    try:
        await take_recording(recording, voice=voice, ctx=ctx)
    except RecordingFetchError as failed:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, str(failed)) from failed
    return Response(status_code=status.HTTP_204_NO_CONTENT)
