"""Stories told by phone, on the real store and broker: the call simulator plays Twilio (signed
webhooks, the recording served from localhost), moderation fetches and queues the recording with a
draft transcript, a moderator listens, corrects and approves it, and only the typed text is
published; the audio goes at the decision, or after the retention period if nobody decides."""

import asyncio
import io
import math
import uuid
import wave
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from moderation.adapters.transcriber import available_transcriber
from moderation.domain.decisions import Moderator, Reason
from moderation.domain.items import Kind
from moderation.handlers import decisions, drafts, erasure
from moderation.handlers.recordings import recording_item_id
from together_contracts import PersonErasureRequested, PersonErasureRequestedData, phone_digest
from together_kit.dev.callsim import CallSimulator, speech_available, spoken
from together_kit.testing.waiting import eventually

from .conftest import BASE_URL, Moderation, StartModeration
from .moderator_support import csrf_of, signed_in

pytestmark = pytest.mark.integration

SID = "AC" + "7" * 32
TOKEN = "the-voice-line-auth-token-for-tests"
SPOKEN = "During lockdown I helped my neighbours with their shopping every week"
TYPED = "During lockdown I helped my neighbours with their shopping every week."
CALLER_DIGITS = "7700900123"
ANN = Moderator("ann")


@dataclass
class Line:
    moderation: Moderation
    phone: CallSimulator

    async def stored(self) -> tuple[int, int]:
        """How many recording items and how many audio documents there are."""
        db = self.moderation.db
        return (
            await db["items"].count_documents({"kind": Kind.RECORDING.value}),
            await db["recordings"].count_documents({}),
        )


@pytest.fixture
async def line(start_moderation: StartModeration) -> AsyncIterator[Line]:
    async with (
        CallSimulator(
            moderation_url=BASE_URL, account_sid=SID, auth_token=TOKEN
        ).serving() as phone,
        start_moderation(
            voice_enabled=True,
            twilio_account_sid=SID,
            twilio_auth_token=TOKEN,
            twilio_api_url=phone.api_url,
            retention_sweep_seconds=0.2,
            recording_draft_seconds=0.2,
        ) as moderation,
    ):
        phone.http = moderation.http
        yield Line(moderation, phone)


def speech() -> bytes:
    """The phrase spoken by espeak-ng; where it is missing, a WAV of tones the length of a short
    phrase (the draft may then be empty: the moderator types it all)."""
    if speech_available():
        return spoken(SPOKEN)
    rate, out = 8000, io.BytesIO()
    samples = b"".join(
        int(8000 * math.sin(2 * math.pi * (300 + 200 * (n // 2000)) * n / rate)).to_bytes(
            2, "little", signed=True
        )
        for n in range(rate * 3)
    )
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(samples)
    return out.getvalue()


def finished(recording_sid: str, url: str) -> dict[str, str]:
    """Twilio's recording-status callback for a completed recording."""
    return {
        "AccountSid": SID,
        "CallSid": "CA" + recording_sid[2:],
        "RecordingSid": recording_sid,
        "RecordingUrl": url,
        "RecordingStatus": "completed",
        "RecordingDuration": "3",
    }


async def test_a_call_is_queued_transcribed_published_as_text_and_its_audio_deleted(
    line: Line,
) -> None:
    wav = speech()
    call = await line.phone.call(wav)
    assert call.answers == [200, 200, 204], call
    assert "lived through lockdown" in call.greeting
    item_id = recording_item_id(call.recording_sid)
    document = await line.moderation.db["items"].find_one({"_id": str(item_id)})
    assert document is not None
    assert (document["kind"], document["status"], document["language"], document["region"]) == (
        "recording",
        "pending",
        "en",
        "UK",
    )
    assert CALLER_DIGITS not in str(document), "the caller's number is never stored"
    assert len(document["caller_digest"]) == 64
    if available_transcriber() is not None:
        assert document["draft_pending"], "drafted after the webhook has answered"
        drafted = await eventually(
            lambda: line.moderation.db["items"].find_one({"_id": str(item_id)}),
            until=lambda found: found is not None and not found["draft_pending"],
            what="the draft",
        )
        assert drafted["recogniser"] == ("pocketsphinx" if drafted["text"] else "")
        if speech_available():
            assert drafted["text"].strip(), "a draft of the spoken phrase"

    ann = await signed_in(line.moderation, "Ann")
    queue = await ann.get("/moderation")
    assert "1 recording" in queue.text
    assert "Story told by phone" in queue.text
    page = await ann.get(f"/moderation/items/{item_id}")
    assert page.status_code == 200
    assert f'src="/moderation/items/{item_id}/recording.wav"' in page.text
    audio = await ann.get(f"/moderation/items/{item_id}/recording.wav")
    assert (audio.status_code, audio.headers["content-type"], audio.content) == (
        200,
        "audio/wav",
        wav,
    )
    assert "no-store" in audio.headers["cache-control"]
    heard = await line.moderation.db["security_log"].find_one({"target_id": str(item_id)})
    assert heard is not None
    assert (heard["action"], heard["detail"]) == ("personal-data-read", "recording")
    anonymous = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=line.moderation.app), base_url="http://test"
    )
    async with anonymous:
        unsigned = await anonymous.get(f"/moderation/items/{item_id}/recording.wav")
    assert unsigned.status_code == 303, "the audio is for signed-in moderators only"

    csrf = await csrf_of(ann)
    await ann.post(f"/moderation/items/{item_id}/claim", data={"csrf": csrf})
    empty = await ann.post(
        f"/moderation/items/{item_id}/approve",
        data={"csrf": csrf, "title": "Shopping", "text": "   "},
    )
    assert empty.status_code == 422
    assert 'id="transcript-error"' in empty.text
    as_sent = await ann.post(f"/moderation/items/{item_id}/approve", data={"csrf": csrf})
    assert as_sent.status_code == 422, "the draft is never published unread"
    assert await line.stored() == (1, 1), "nothing changed"

    approved = await ann.post(
        f"/moderation/items/{item_id}/approve",
        data={"csrf": csrf, "title": "Shopping for the street", "text": TYPED},
    )
    assert approved.status_code == 303, approved.text
    assert await line.stored() == (0, 0), "a story now, and its audio gone"
    gone = await ann.get(f"/moderation/items/{item_id}/recording.wav")
    assert gone.status_code == 404
    await ann.aclose()

    public = await line.moderation.http.get("/stories")
    assert TYPED in public.text
    story = await line.moderation.http.get(f"/stories/{item_id}")
    assert (story.status_code, TYPED in story.text) == (200, True)
    api = await line.moderation.http.get(f"/api/v1/stories/{item_id}")
    assert api.json()["text"] == TYPED
    assert "wav" not in api.text


async def test_a_forged_signature_is_refused_and_nothing_is_stored(line: Line) -> None:
    line.phone.recordings["RE" + "1" * 32] = speech()
    finished = {
        "AccountSid": SID,
        "CallSid": "CA" + "1" * 32,
        "RecordingSid": "RE" + "1" * 32,
        "RecordingUrl": line.phone.recording_url("RE" + "1" * 32),
        "RecordingStatus": "completed",
        "RecordingDuration": "4",
    }
    status_url = f"{BASE_URL}/voice/recording-status?lang=en"
    forged = await line.phone.post_signed(status_url, finished, token="not-the-auth-token-at-all")
    assert forged == 403
    other_account = await line.phone.post_signed(status_url, {**finished, "AccountSid": "AC1"})
    assert other_account == 403
    unsigned = await line.moderation.http.post(status_url, data=finished)
    assert unsigned.status_code == 403
    assert await line.stored() == (0, 0)


async def test_a_repeated_callback_stores_once(line: Line) -> None:
    call = await line.phone.call(speech(), seconds=4)
    finished = {
        "AccountSid": SID,
        "CallSid": call.call_sid,
        "RecordingSid": call.recording_sid,
        "RecordingUrl": line.phone.recording_url(call.recording_sid),
        "RecordingStatus": "completed",
        "RecordingDuration": "4",
    }
    status_url = f"{BASE_URL}/voice/recording-status?lang=en"
    again = await asyncio.gather(*(line.phone.post_signed(status_url, finished) for _ in range(3)))
    assert again == [204, 204, 204]
    assert await line.stored() == (1, 1)


async def test_a_welsh_call_has_no_draft_and_a_welsh_title(line: Line) -> None:
    call = await line.phone.call(speech(), language="cy")
    assert "cyfnod clo" in call.greeting
    assert call.answers[-1] == 204
    document = await line.moderation.db["items"].find_one(
        {"_id": str(recording_item_id(call.recording_sid))}
    )
    assert document is not None
    assert (document["language"], document["text"], document["recogniser"]) == ("cy", "", "")
    assert not document["draft_pending"], "no recogniser for Welsh"
    assert document["title"] == "Stori a adroddwyd dros y ffôn"


async def test_retention_deletes_an_undecided_recording_and_a_rejection_its_audio(
    line: Line,
) -> None:
    kept, rejected = [await line.phone.call(speech()) for _ in range(2)]
    rejected_id = recording_item_id(rejected.recording_sid)
    await decisions.claim(rejected_id, ANN, ctx=line.moderation.ctx)
    await decisions.reject(rejected_id, ANN, reason=Reason.OFF_TOPIC, ctx=line.moderation.ctx)
    audio = line.moderation.db["recordings"]
    assert await audio.count_documents({}) == 1, "the rejection deleted its audio"

    line.moderation.clock.advance(days=29)
    await asyncio.sleep(0.5)
    assert await line.stored() == (2, 1), "within 30 days: kept"
    line.moderation.clock.advance(days=2)
    await eventually(line.stored, until=lambda found: found == (1, 0), what="the recording swept")
    items = line.moderation.db["items"]
    assert await items.find_one({"_id": str(recording_item_id(kept.recording_sid))}) is None
    left = await items.find_one({"_id": str(rejected_id)})
    assert left is not None, "a rejected recording is kept as a rejected story is (90 days)"
    assert left["status"] == "rejected"


async def test_erasure_by_phone_forgets_the_callers_recordings_and_published_story(
    line: Line,
) -> None:
    """The request carries the keyed digest of the number (together_contracts.phone_digest), as
    the greeting made it: an undecided recording loses its draft and its audio; a story published
    from a call leaves the public pages."""
    waiting, published = [await line.phone.call(speech()) for _ in range(2)]
    published_id = recording_item_id(published.recording_sid)
    ctx = line.moderation.ctx
    await decisions.claim(published_id, ANN, ctx=ctx)
    await decisions.approve(
        published_id, ANN, ctx=ctx, redacted_text=TYPED, redacted_title="Shopping"
    )
    assert (await line.moderation.http.get(f"/stories/{published_id}")).status_code == 200
    relay = line.moderation.app.state.runtime.relay
    await eventually(relay.backlog, until=lambda n: n == 0, what="the approval's events sent")
    key = line.moderation.settings.erasure_digest_key
    request = PersonErasureRequested(
        producer="signups",
        correlation_id="test-erasure-by-phone",
        data=PersonErasureRequestedData(
            erasure_id=uuid.uuid4(), phone_digest=phone_digest("07700 900123", key=key)
        ),
    )

    assert await erasure.forget_author(request, ctx) == 2

    items = line.moderation.db["items"]
    for call in (waiting, published):
        stored = await items.find_one({"_id": str(recording_item_id(call.recording_sid))})
        assert stored is not None
        assert (stored["status"], stored["text"], stored["published_text"]) == ("erased", "", None)
        assert request.data.phone_digest not in str(stored)
    assert await line.moderation.db["recordings"].count_documents({}) == 0
    assert (await line.moderation.http.get(f"/stories/{published_id}")).status_code == 404
    assert await erasure.forget_author(request, ctx) == 0, "nothing of the caller is left"


async def test_a_recording_that_is_not_twilios_or_not_audio_is_refused(line: Line) -> None:
    """Credentials go only to the Twilio API's address, and only a WAV is kept: 502 otherwise
    (Twilio logs it), and nothing is stored."""
    line.phone.recordings["RE" + "2" * 32] = b"<html>not a recording</html>"
    status_url = f"{BASE_URL}/voice/recording-status?lang=en"
    for url in (line.phone.recording_url("RE" + "2" * 32), "http://127.0.0.1:9/Recordings/RE2"):
        assert await line.phone.post_signed(status_url, finished("RE" + "2" * 32, url)) == 502
    assert await line.stored() == (0, 0)


async def test_a_recording_twilio_fails_to_serve_at_first_is_fetched_again(line: Line) -> None:
    """Twilio calls back once and never again after an error: a 5xx or a 429 from its API is
    tried again while it waits for the answer, and the story is kept."""
    sid = "RE" + "3" * 32
    line.phone.recordings[sid] = speech()
    line.phone.failing[sid] = [502, 429]
    status_url = f"{BASE_URL}/voice/recording-status?lang=en"
    assert (
        await line.phone.post_signed(status_url, finished(sid, line.phone.recording_url(sid)))
        == 204
    )
    assert line.phone.fetches[sid] == 3
    assert await line.stored() == (1, 1)


async def test_a_recording_twilio_cannot_serve_is_tried_three_times_a_missing_one_once(
    line: Line,
) -> None:
    """Retries are bounded (three tries), and a 4xx is not Twilio's passing trouble: no retry.
    Either way Twilio hears 502 (its debugger logs it) and nothing is stored."""
    down, missing = "RE" + "4" * 32, "RE" + "5" * 32
    line.phone.recordings[down] = line.phone.recordings[missing] = speech()
    line.phone.failing[down] = [503] * 5
    line.phone.failing[missing] = [404]
    status_url = f"{BASE_URL}/voice/recording-status?lang=en"
    for sid in (down, missing):
        answer = await line.phone.post_signed(
            status_url, finished(sid, line.phone.recording_url(sid))
        )
        assert answer == 502
    assert (line.phone.fetches[down], line.phone.fetches[missing]) == (3, 1)
    assert await line.stored() == (0, 0)


async def test_a_recording_decided_before_its_draft_keeps_the_moderators_text(
    start_moderation: StartModeration,
) -> None:
    """The draft job is slower than a quick moderator here (it runs once an hour): the item is
    approved with the typed text, and a draft made afterwards changes nothing."""
    async with (
        CallSimulator(
            moderation_url=BASE_URL, account_sid=SID, auth_token=TOKEN
        ).serving() as phone,
        start_moderation(
            voice_enabled=True,
            twilio_account_sid=SID,
            twilio_auth_token=TOKEN,
            twilio_api_url=phone.api_url,
            recording_draft_seconds=3600,
        ) as moderation,
    ):
        phone.http = moderation.http
        call = await phone.call(speech())
        item_id = recording_item_id(call.recording_sid)
        await decisions.claim(item_id, ANN, ctx=moderation.ctx)
        await decisions.approve(
            item_id, ANN, ctx=moderation.ctx, redacted_text=TYPED, redacted_title="Shopping"
        )
        transcriber = available_transcriber()
        if transcriber is not None:
            assert await drafts.draft_next(moderation.ctx, transcriber=transcriber) == 0
        story = await moderation.db["items"].find_one({"_id": str(item_id)})
        assert story is not None
        assert (story["kind"], story["published_text"]) == ("story", TYPED)


class CountingTranscriber:
    """A recogniser that takes its time and counts its calls (two replicas' jobs at once)."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    async def draft(self, wav: bytes) -> str:
        self.calls += 1
        await asyncio.sleep(0.3)
        return "we sang on the doorsteps"


async def test_two_replicas_draft_a_recording_once(start_moderation: StartModeration) -> None:
    async with (
        CallSimulator(
            moderation_url=BASE_URL, account_sid=SID, auth_token=TOKEN
        ).serving() as phone,
        start_moderation(
            voice_enabled=True,
            twilio_account_sid=SID,
            twilio_auth_token=TOKEN,
            twilio_api_url=phone.api_url,
            recording_draft_seconds=3600,
        ) as moderation,
    ):
        phone.http = moderation.http
        call = await phone.call(speech())
        transcriber = CountingTranscriber()
        drafted = await asyncio.gather(
            *(drafts.draft_next(moderation.ctx, transcriber=transcriber) for _ in range(2))
        )
        item = await moderation.db["items"].find_one(
            {"_id": str(recording_item_id(call.recording_sid))}
        )
        if available_transcriber() is None:
            return  # no draft is waited for without a recogniser
        assert (sorted(drafted), transcriber.calls) == ([0, 1], 1)
        assert item is not None
        assert (item["text"], item["recogniser"], item["draft_pending"]) == (
            "we sang on the doorsteps",
            "counting",
            False,
        )
        assert "drafting_until" not in item["extra"]


async def test_the_simulators_page_places_a_call(line: Line) -> None:
    """What `make run` offers: paste text (spoken by espeak-ng) or upload a WAV, and call."""
    async with httpx.AsyncClient(base_url=line.phone.api_url, timeout=60) as browser:
        page = await browser.get("/")
        assert "Simulate a phone call" in page.text
        nothing = await browser.post("/calls", data={"text": "  "})
        assert "Paste some text or choose a WAV." in nothing.text
        upload = {"wav": ("story.wav", speech(), "audio/wav")}
        placed = await browser.post("/calls", data={"language": "cy"}, files=upload)
    assert "the status callback was answered 204" in placed.text
    assert "cyfnod clo" in placed.text
    assert await line.stored() == (1, 1)
